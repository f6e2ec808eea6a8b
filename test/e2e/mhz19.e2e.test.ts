/**
 * The MH-Z19 twin answers the driver's requests through the whole runtime to a real broker:
 * every sound answer arrives as the model's CO2, and every faulty, late or missing one is counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameFault } from '../../simulators/faults.js';
import type { Mhz19Device, Mhz19Values } from '../../simulators/devices/mhz19.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { runPolledTwin } from './request-twins.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

const faults: FrameFault[] = ['bad-checksum', 'truncated', 'garbage', 'noise'];
const intact = (fault: FrameFault | undefined) => fault === undefined || fault === 'garbage';

describe('mhz19 twin → mhz19 driver → broker', () => {
  it('delivers the CO2 of every sound answer and counts every faulty or missing one', async () => {
    let silentRequests = 0;
    const stuckValues: number[] = [];
    const run = await runPolledTwin<Mhz19Values, Mhz19Device>({
      brokerUrl: broker.url,
      nodeId: 'co2-node',
      startEpochMs: Date.UTC(2026, 4, 12, 9, 58), // a Tuesday morning, the office full
      simulator: { device: 'mhz19', seed: 7 },
      device: { type: 'mhz19', intervalMs: 5000, timeoutMs: 1000 },
      sensors: [{ name: 'co2', unit: 'ppm' }],
      durationMs: 60 * 5000,
      stepMs: 50,
      prepare: (twin) => {
        let answers = 0;
        twin.onEmit((emission) => {
          answers++;
          if (twin.faults.stuck) stuckValues.push(emission.values.co2);
          // Every eighth answer gets the next fault; answers 30–33 are stuck; then four requests go unanswered.
          if (answers % 8 === 7) twin.faults.inject(faults[Math.floor(answers / 8) % faults.length]!);
          twin.faults.stuck = answers >= 29 && answers < 33;
          if (answers === 40) {
            twin.faults.silent = true;
            const heard = twin.requestsReceived;
            const wake = () => {
              silentRequests = twin.requestsReceived - heard;
              if (silentRequests >= 4) twin.faults.silent = false;
              else setImmediate(wake);
            };
            wake();
          }
        });
      },
      expectedReadings: (emissions) => emissions.filter((emission) => intact(emission.fault)).length,
    });

    const sound = run.emissions.filter((emission) => intact(emission.fault));
    expect(run.records.map((record) => record.value)).toEqual(sound.map((emission) => emission.values.co2));
    expect(run.records[0]).toMatchObject({ name: 'co2-node/dev/co2', unit: 'ppm' });
    // An occupied office: well above the outdoor baseline, within the sensor's range.
    for (const value of run.records.map((record) => record.value as number)) expect(value).toBeGreaterThan(1000);
    expect(Math.max(...run.records.map((record) => record.value as number))).toBeLessThan(5000);
    // Stuck answers repeat one value.
    expect(stuckValues.length).toBeGreaterThanOrEqual(3);
    expect(new Set(stuckValues.slice(1)).size).toBe(1);
    // One request every 5 s for 300 s, the first 100 ms after the port opened.
    expect(run.emissions.length + silentRequests).toBe(60);

    const count = (fault: FrameFault) => run.emissions.filter((emission) => emission.fault === fault).length;
    expect(count('bad-checksum') + count('truncated') + count('noise')).toBeGreaterThanOrEqual(5);
    expect(silentRequests).toBe(4);
    const timeouts = run.problems['timeout'] ?? 0;
    const badFrames = run.problems['bad-frame'] ?? 0;
    expect(badFrames).toBeGreaterThanOrEqual(count('bad-checksum'));
    expect(timeouts).toBeGreaterThanOrEqual(count('truncated') + silentRequests);
    expect(timeouts + badFrames).toBeGreaterThanOrEqual(count('bad-checksum') + count('truncated') + count('noise') + silentRequests);
  });
});
