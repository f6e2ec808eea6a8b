/**
 * The driver registry cannot drift from the tree: every folder under src/drivers/ is a
 * registered driver of the same name, with a README whose samples validate and a twin (or a
 * declared stand-in), and the shipped JSON Schema is the one the catalog produces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { driverRegistry } from '../../src/drivers/registry.js';
import type { DriverDefinition } from '../../src/drivers/driver.js';
import { piSimulatorShape } from '../../simulators/pi/options.js';
import { simulatorRegistry } from '../../simulators/registry.js';
import { simulatedCatalog, validateSimulated } from '../support/simulated-node.js';

const DRIVERS = 'src/drivers';
const folders = readdirSync(DRIVERS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const registered = Object.entries(driverRegistry as Record<string, DriverDefinition>);

/** The ```yaml blocks of a README that hold boards. */
function sampleBoards(readme: string): unknown[] {
  return [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1]!) as Record<string, unknown>).filter((block) => block !== null && 'boards' in block);
}

describe('driver registry', () => {
  it('registers exactly the driver folders, each under its folder name', () => {
    expect(Object.keys(driverRegistry).sort()).toEqual(folders);
    for (const [key, driver] of registered) expect(driver.type, `registry key ${key}`).toBe(key);
  });

  it.each(folders)('%s: its README has a sample config, and every sample validates', (folder) => {
    const samples = sampleBoards(readFileSync(join(DRIVERS, folder, 'README.md'), 'utf8'));
    expect(samples.length, `${folder}/README.md has no yaml sample with boards`).toBeGreaterThan(0);
    for (const sample of samples) {
      const config = validateSimulated({ node: { id: 'readme', site: 'docs' }, broker: { url: 'mqtt://127.0.0.1:1883' }, ...(sample as object) }, `${folder}/README.md`);
      // A sample of this driver shows this driver.
      expect(config.boards.some((board) => board.device.type === folder), `${folder}/README.md sample boards: ${config.boards.map((board) => board.device.type).join(', ')}`).toBe(true);
    }
  });

  it.each(registered.map(([key]) => key))('%s: has a twin of its name, or declares what stands in for it', (type) => {
    const driver = (driverRegistry as Record<string, DriverDefinition>)[type]!;
    const twins = simulatorRegistry as Record<string, { readBy: 'pins' | readonly string[] }>;
    const own = twins[type];
    if (own) {
      expect(own.readBy === 'pins' ? driver.link === 'pins' : own.readBy.includes(type), `twin ${type} is read by ${type}`).toBe(true);
      return;
    }
    const standIn = driver.simulatedBy;
    expect(standIn, `${type} has no twin of its name and declares no simulatedBy`).toBeDefined();
    if (standIn && 'twin' in standIn) {
      const twin = twins[standIn.twin];
      expect(twin, `${type} is simulated by twin ${standIn.twin}, which does not exist`).toBeDefined();
      expect(twin!.readBy === 'pins' ? driver.link === 'pins' : twin!.readBy.includes(type), `twin ${standIn.twin} is not read by ${type}`).toBe(true);
    } else if (standIn && 'piSimulator' in standIn) {
      expect(Object.keys(piSimulatorShape)).toContain(standIn.piSimulator);
      expect(driver.link, 'the simulated Pi carries host and header devices').not.toBe('bytes');
    } else {
      expect(standIn && 'reason' in standIn && standIn.reason.length).toBeGreaterThan(20);
    }
  });

  it('ships the JSON Schema the catalog produces (regenerate with `npm run schema`)', () => {
    const shipped = JSON.parse(readFileSync('schema/fieldnode.schema.json', 'utf8')) as unknown;
    expect(shipped, 'regenerate with `npm run schema`').toEqual(configJsonSchema(simulatedCatalog));
  });
});
