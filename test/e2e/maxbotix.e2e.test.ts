/**
 * The MaxSonar driver reads its twin's lines, faults included, through the whole runtime to a
 * real broker: a subscriber gets the range and the level of every intact line, the level
 * follows the river model through a storm, and every corrupted line is counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SonarValues } from '../../simulators/devices/maxbotix.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { runTwin } from './driver-twins.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

const MOUNT_HEIGHT_MM = 4000;
const device = { type: 'maxbotix', mountHeightMm: MOUNT_HEIGHT_MM };
const sensors = [
  { name: 'distance', unit: 'mm', field: 'range' },
  { name: 'level', unit: 'm', field: 'level' },
];
/** The twin's noise is 2 mm; a reading stays within 6 of them, and half a millimetre of rounding, of the true level. */
const LEVEL_TOLERANCE_M = 0.0125;

describe('maxbotix twin → maxbotix driver → broker', () => {
  it('delivers range and level of every intact line and counts every faulty one', async () => {
    const run = await runTwin<SonarValues>({
      brokerUrl: broker.url,
      nodeId: 'river-node',
      simulator: { device: 'maxbotix', seed: 7, mountHeightMm: MOUNT_HEIGHT_MM },
      device,
      sensors,
      // The 121st line is clean and ends the cut-off 120th, which would otherwise wait for its CR.
      count: 121,
      intervalMs: 150,
      faults: ['bad-checksum', 'truncated', 'garbage', 'noise'],
      faultEvery: 10,
    });
    // Garbage before a line leaves the line itself intact: the driver must still recover it.
    const intact = run.emissions.filter((emission) => emission.fault === undefined || emission.fault === 'garbage');
    expect(run.records.map((record) => record.value)).toEqual(intact.flatMap(({ values }) => [values.rangeMm, (MOUNT_HEIGHT_MM - values.rangeMm) / 1000]));
    expect(run.records.slice(0, 2)).toMatchObject([
      { name: 'river-node/dev/distance', unit: 'mm' },
      { name: 'river-node/dev/level', unit: 'm' },
    ]);
    for (const [index, { values }] of intact.entries()) expect(Math.abs((run.records[2 * index + 1]!.value as number) - values.levelM)).toBeLessThan(LEVEL_TOLERANCE_M);
    const faulty = run.emissions.filter((emission) => emission.fault !== undefined && emission.fault !== 'garbage');
    expect(faulty).toHaveLength(9);
    expect(run.problems['malformed-line'] ?? 0).toBeGreaterThanOrEqual(faulty.length);
    expect(run.problems['no-target'] ?? 0).toBe(0);
  });

  it('follows the river up a storm: one reading a minute for eight hours', async () => {
    const run = await runTwin<SonarValues>({
      brokerUrl: broker.url,
      nodeId: 'storm-node',
      simulator: { device: 'maxbotix', seed: 7, mountHeightMm: MOUNT_HEIGHT_MM, intervalMs: 60_000 },
      device,
      sensors,
      count: 480,
      intervalMs: 60_000,
    });
    const levels = run.records.filter((record) => record.name.endsWith('/level')).map((record) => record.value as number);
    expect(levels).toHaveLength(480);
    levels.forEach((level, index) => expect(Math.abs(level - run.emissions[index]!.values.levelM)).toBeLessThan(LEVEL_TOLERANCE_M));
    const lowest = Math.min(...levels.slice(0, 30));
    const highest = Math.max(...levels);
    expect(highest - lowest).toBeGreaterThan(0.3);
  });
});
