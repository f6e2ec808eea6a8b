/**
 * Each serial driver decodes its twin's bytes, faults included, through the whole runtime to
 * a real broker: the values a subscriber decodes are the model's, at the device's resolution.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sds011Reading } from '../../src/drivers/sds011/decode.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { runTwin } from './driver-twins.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

describe('sds011 twin → sds011 driver → broker', () => {
  it('delivers the PM of every intact frame and counts every faulty one', async () => {
    const run = await runTwin<Sds011Reading>({
      brokerUrl: broker.url,
      nodeId: 'pm-node',
      simulator: { device: 'sds011', seed: 3 },
      device: { type: 'sds011' },
      sensors: [
        { name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' },
        { name: 'pm10', unit: 'ug/m3', field: 'pm10' },
      ],
      count: 120,
      intervalMs: 1000,
      faults: ['bad-checksum', 'truncated', 'garbage', 'noise'],
      faultEvery: 10,
    });
    // Garbage before a frame leaves the frame itself intact: the driver must still recover it.
    const intact = run.emissions.filter((emission) => emission.fault === undefined || emission.fault === 'garbage');
    expect(run.records.map((record) => record.value)).toEqual(intact.flatMap((emission) => [emission.values.pm2_5, emission.values.pm10]));
    expect(run.records[0]).toMatchObject({ name: 'pm-node/dev/pm2_5', unit: 'ug/m3' });
    const faulty = run.emissions.filter((emission) => emission.fault !== undefined && emission.fault !== 'garbage');
    expect(faulty).toHaveLength(9);
    expect((run.problems['bad-frame'] ?? 0) + (run.problems['garbage-bytes'] ?? 0)).toBeGreaterThanOrEqual(faulty.length);
  });
});
