/**
 * The PMS5003 driver decodes its twin's frames, faults included, through the whole runtime to
 * a real broker: a subscriber gets the twin's values for every intact frame, nothing for the
 * faulty ones, and the faulty ones are counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pms5003Field, Pms5003Reading } from '../../src/drivers/pms5003/decode.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { runTwin } from './driver-twins.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

const fields: Pms5003Field[] = ['pm1_0', 'pm2_5', 'pm10', 'pm2_5_cf1', 'particles_0_3um', 'particles_2_5um'];

describe('pms5003 twin → pms5003 driver → broker', () => {
  it('delivers every quantity of every intact frame and counts every faulty one', async () => {
    const run = await runTwin<Pms5003Reading>({
      brokerUrl: broker.url,
      nodeId: 'pms-node',
      simulator: { device: 'pms5003', seed: 5 },
      device: { type: 'pms5003' },
      sensors: fields.map((field) => ({ name: field, unit: field.startsWith('particles') ? 'count' : 'ug/m3', field })),
      count: 125,
      intervalMs: 1000,
      faults: ['bad-checksum', 'truncated', 'garbage', 'noise'],
      faultEvery: 10,
    });
    // Garbage before a frame leaves the frame itself intact: the driver must still recover it.
    const intact = run.emissions.filter((emission) => emission.fault === undefined || emission.fault === 'garbage');
    expect(intact.length).toBeGreaterThan(100);
    expect(run.records.map((record) => record.value)).toEqual(intact.flatMap((emission) => fields.map((field) => emission.values[field])));
    expect(run.records[0]).toMatchObject({ name: 'pms-node/dev/pm1_0', unit: 'ug/m3' });
    expect(run.records[4]).toMatchObject({ name: 'pms-node/dev/particles_0_3um', unit: 'count' });
    // The model is morning traffic (06:00 UTC onwards): PM2.5 in a street's range, counts that fall with size.
    for (const { values } of intact) {
      expect(values.pm2_5).toBeGreaterThan(0);
      expect(values.pm2_5).toBeLessThan(100);
      expect(values.particles_0_3um).toBeGreaterThanOrEqual(values.particles_0_5um);
      expect(values.particles_2_5um).toBeGreaterThanOrEqual(values.particles_10um);
    }
    const faulty = run.emissions.filter((emission) => emission.fault !== undefined && emission.fault !== 'garbage');
    expect(faulty).toHaveLength(9);
    expect(run.problems['bad-frame'] ?? 0).toBeGreaterThanOrEqual(3); // one per bad checksum at least
    expect((run.problems['bad-frame'] ?? 0) + (run.problems['garbage-bytes'] ?? 0)).toBeGreaterThanOrEqual(faulty.length);
  });
});
