/**
 * A driver package from outside the tree, built here in a temporary folder the way a third
 * party would write one (plain JavaScript, importing only 'fieldnode'), named by a config's
 * `plugins`, and seen by validate, schema, simulate and run like a built-in driver.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunningCli, runCli } from '../support/cli.js';
import { TALLY_PLUGIN_SOURCE, writeTallyPlugin } from '../support/tally-plugin.js';


/** The same package with a driver whose type does not match its key. */
const BROKEN_SOURCE = `export const fieldnodePlugin = { drivers: { tally: { type: 'tallies', link: 'bytes', summary: '', deviceShape: {}, sensorShape: {}, defaultBaud: 9600, create() {} } } };\n`;

function pluginProject(source: string): { root: string; config: string; plugin: string } {
  const root = mkdtempSync(join(tmpdir(), 'fieldnode-plugin-'));
  const plugin = writeTallyPlugin(root, source);
  const config = join(root, 'fieldnode.yaml');
  writeFileSync(
    config,
    `plugins: [./fieldnode-driver-tally]
node: { id: tally-node, site: plugin-test }
broker: { url: mqtt://127.0.0.1:1883 }
dataDir: ${join(root, 'data')}
boards:
  - id: gate
    simulator: { device: tally, intervalMs: 40, start: 7 }
    device: { type: tally }
    sensors:
      - { name: people, unit: count, scale: 2 }
`,
  );
  return { root, config, plugin };
}

describe('a driver plugin from a package of its own', () => {
  let running: RunningCli | undefined;
  afterEach(async () => {
    await running?.signal('SIGINT');
    running = undefined;
  });

  it('is validated, described, simulated and run like a built-in driver', async () => {
    const { config, plugin } = pluginProject(TALLY_PLUGIN_SOURCE);

    const validated = await runCli(['validate', config]);
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toContain('ok (node tally-node at plugin-test, 1 board(s), 1 sensor(s))');

    const schema = await runCli(['schema', '--plugin', plugin]);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toContain('"const": "tally"');
    expect(schema.stdout).toContain('the word before the count');

    const simulated = new RunningCli(['simulate', 'tally', '--plugin', plugin, '-o', 'intervalMs=5', '-o', 'start=40']);
    running = simulated;
    await simulated.waitForStdout((lines) => lines.includes('COUNT 42\r'), 15_000);
    await simulated.signal('SIGINT');

    running = new RunningCli(['run', config, '--embedded-broker']);
    // The twin counts from 7, the sensor scales by 2: 14, 16, ... decoded from the broker, none
    // missing between the first the tail saw and the last.
    const values = () => running!.stdoutLines().flatMap((line) => /plugin-test\/tally-node\/gate\s+people\s+(\d+) count$/.exec(line)?.[1] ?? []).map(Number);
    await running.waitForStdout(() => values().length >= 3, 20_000);
    const seen = values();
    expect(seen[0]).toBeGreaterThanOrEqual(14);
    expect(seen).toEqual(seen.map((_, index) => seen[0]! + 2 * index));
  });

  it('is refused with the reason, at its path, when it is malformed or missing', async () => {
    const broken = pluginProject(BROKEN_SOURCE);
    const refused = await runCli(['validate', broken.config]);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('plugins[0]: ./fieldnode-driver-tally: driver tally must have type "tally"');
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    const missing = pluginProject(TALLY_PLUGIN_SOURCE);
    writeFileSync(missing.config, (await import('node:fs')).readFileSync(missing.config, 'utf8').replace('./fieldnode-driver-tally', 'fieldnode-driver-nowhere'));
    const notFound = await runCli(['validate', missing.config]);
    expect(notFound.code).toBe(78);
    expect(notFound.stderr).toMatch(/plugins\[0\]: cannot load fieldnode-driver-nowhere: /);
    expect(notFound.stderr).not.toMatch(/^\s+at /m);
  });
});
