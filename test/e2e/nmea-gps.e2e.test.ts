/**
 * The GPS twin's sentences, faults included, through the whole runtime to a real broker: the
 * position a subscriber decodes is the track model's, within the resolution of the sentence.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import type { NmeaGpsDevice } from '../../simulators/devices/nmea-gps.js';
import type { Emission } from '../../simulators/devices/periodic.js';
import type { FrameFault } from '../../simulators/faults.js';
import type { GpsTrackSample } from '../../simulators/models/gps-track.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';
import { runTwin, type TwinSensor } from './driver-twins.js';

/** Half of the last digit of `ddmm.mmmmm` (u-blox), in degrees, and of the altitude's decimetres. */
const HALF_MINUTE_DIGIT_DEG = 0.5e-5 / 60;
const HALF_DECIMETRE = 0.05;
const EPSILON = 1e-9;

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

describe('nmea-gps twin → nmea-gps driver → broker', () => {
  it('delivers the position, altitude and GPS time of every whole sentence and counts every faulty one', async () => {
    const run = await runGpsTwin({
      nodeId: 'gps-node',
      simulator: { device: 'nmea-gps', seed: 7, fixLossRate: 0 },
      sensors: [
        { name: 'latitude', unit: 'lat', field: 'latitude' },
        { name: 'longitude', unit: 'lon', field: 'longitude' },
        { name: 'altitude', unit: 'm', field: 'altitude' },
        { name: 'time', unit: 's', field: 'time' },
      ],
      count: 120,
      faults: ['bad-checksum', 'truncated', 'garbage', 'noise'],
      faultEvery: 10,
    });
    const expected = run.emissions.flatMap((emission) => expectedRecords(emission, run.device));
    expect(run.records.map((record) => record.name)).toEqual(expected.map(([name]) => `gps-node/dev/${name}`));
    run.records.forEach((record, index) => {
      const [, value, tolerance] = expected[index]!;
      expect(Math.abs((record.value as number) - value)).toBeLessThanOrEqual(tolerance + EPSILON);
    });
    expect(run.records.slice(0, 4).map((record) => record.unit)).toEqual(['lat', 'lon', 's', 'm']);
    // Some damaged fixes still delivered what their sound sentences carried.
    const partly = run.emissions.filter((emission) => emission.fault !== undefined && [1, 2, 3].includes(expectedRecords(emission, run.device).length));
    expect(partly.length).toBeGreaterThan(0);

    const faulty = run.emissions.filter((emission) => emission.fault !== undefined && emission.fault !== 'garbage');
    expect(faulty).toHaveLength(9);
    const badChecksums = run.emissions.filter((emission) => emission.fault === 'bad-checksum').length;
    expect(run.problems['bad-checksum'] ?? 0).toBeGreaterThanOrEqual(badChecksums);
    const counted = (run.problems['bad-checksum'] ?? 0) + (run.problems['garbage-bytes'] ?? 0) + (run.problems['malformed-sentence'] ?? 0);
    expect(counted).toBeGreaterThanOrEqual(faulty.length);
    expect(run.problems['no-fix']).toBeUndefined();
  });

  it('reports fix quality and satellites through a loss of fix, counting each fixless sentence', async () => {
    const run = await runTwin<GpsTrackSample>({
      brokerUrl: broker.url,
      nodeId: 'gps-sky',
      simulator: { device: 'nmea-gps', seed: 11, fixLossRate: 0.05, talker: 'GN' },
      device: { type: 'nmea-gps' },
      sensors: [
        { name: 'fix', field: 'fix' },
        { name: 'satellites', unit: 'count', field: 'satellites' },
      ],
      count: 120,
      intervalMs: 1000,
    });
    expect(run.records.map((record) => record.value)).toEqual(run.emissions.flatMap((emission) => [emission.values.fix ? 1 : 0, emission.values.satellites]));
    const lost = run.emissions.filter((emission) => !emission.values.fix).length;
    expect(lost).toBeGreaterThan(0);
    expect(run.problems['no-fix']).toBe(2 * lost); // the GGA and the RMC of each fixless second
  });
});

/**
 * What one fix must yield, in the order a u-blox prints (RMC before GGA): position and time
 * from its RMC, then the altitude from its GGA (and the position too when the RMC was
 * damaged), for each sentence that arrived whole. Entries: [sensor, model value, tolerance].
 */
function expectedRecords(emission: Emission<GpsTrackSample>, device: NmeaGpsDevice): [string, number, number][] {
  const received = emission.bytes.toString('latin1');
  const [rmc, , gga] = device.sentences(emission.values, emission.time).map((sentence) => received.includes(sentence.trimEnd()));
  const { latitude, longitude, altitude } = emission.values;
  const position: [string, number, number][] = [
    ['latitude', latitude, HALF_MINUTE_DIGIT_DEG],
    ['longitude', longitude, HALF_MINUTE_DIGIT_DEG],
  ];
  const fromRmc: [string, number, number][] = rmc ? [...position, ['time', emission.time / 1000, 0]] : [];
  const fromGga: [string, number, number][] = gga ? [...(rmc ? [] : position), ['altitude', altitude, HALF_DECIMETRE]] : [];
  return [...fromRmc, ...fromGga];
}

/**
 * runTwin (driver-twins.ts) for this twin: a damaged fix still yields what its other sentence
 * carries, so "intact emissions × sensors" is no bound on the readings to wait for; this stops
 * the twin after `count` fixes and waits for exactly the readings `expectedRecords` predicts.
 */
async function runGpsTwin(options: {
  nodeId: string;
  simulator: Record<string, unknown>;
  sensors: TwinSensor[];
  count: number;
  faults: FrameFault[];
  faultEvery: number;
}) {
  const config = validateSimulated({
    dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-gps-')),
    node: { id: options.nodeId, site: 'twins' },
    broker: { url: broker.url, protocol: '3.1.1' }, // aedes; reconnects would wait on virtual time
    batching: { maxReadings: 50, maxDelayMs: 60_000 },
    boards: [{ id: 'dev', simulator: options.simulator, device: { type: 'nmea-gps' }, sensors: options.sensors }],
  });
  const clock = new VirtualClock(Date.UTC(2026, 4, 12, 6));
  const collector = await Collector.connect(broker.url, `fieldnode/twins/${options.nodeId}/dev/data`, 4);
  const node = simulatedNode(config, { clock });
  await node.start();
  await waitUntil(() => node.uplink?.isConnected ?? false);
  const device = node.simulatedDevice('dev') as NmeaGpsDevice;
  const emissions: Emission<GpsTrackSample>[] = [];
  device.onEmit((emission) => emissions.push(emission));
  for (let index = 0; index < options.count; index++) {
    if (index % options.faultEvery === options.faultEvery - 1) device.faults.inject(options.faults[Math.floor(index / options.faultEvery) % options.faults.length]!);
    clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  device.stop();
  const readings = () => node.stats().boards['dev']!.readings;
  const wanted = emissions.flatMap((emission) => expectedRecords(emission, device)).length;
  await waitUntil(() => readings() >= wanted, 10_000, () => `${readings()} of ${wanted} readings`);
  const problems = node.stats().boards['dev']!.problems;
  await node.stop();
  const records = await collector.waitForRecords(readings());
  await collector.close();
  return { emissions, records, problems, device };
}
