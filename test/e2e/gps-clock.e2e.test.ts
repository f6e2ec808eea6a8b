/**
 * A gateway that booted without a clock (1970) with a GPS on a serial board: once the GPS has
 * a fix, the node's readings carry GPS time, all the way to the broker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

it('sets an unset wall clock from the first GPS fix', async () => {
  const bootedAt = 20_000; // 1970-01-01T00:00:20Z, as a Pi without RTC before NTP
  const trueUtc = Date.UTC(2026, 10, 21, 6, 30, 0);
  const clock = new VirtualClock(bootedAt);
  const config = validateSimulated({
    dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-gps-clock-')),
    node: { id: 'clockless', site: 'lab' },
    broker: { url: broker.url, protocol: '3.1.1' },
    batching: { maxReadings: 4, maxDelayMs: 60_000 },
    boards: [
      {
        id: 'gps',
        simulator: { device: 'nmea-gps', seed: 2, fixLossRate: 0, utcOffsetMs: trueUtc - bootedAt },
        device: { type: 'nmea-gps' },
        sensors: [{ name: 'latitude', unit: 'lat', field: 'latitude' }],
      },
    ],
  });
  const collector = await Collector.connect(broker.url, 'fieldnode/lab/clockless/gps/data', 4);
  const node = simulatedNode(config, { clock });
  await node.start();
  await waitUntil(() => node.uplink?.isConnected ?? false);
  for (let second = 0; second < 8; second++) {
    clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await node.stop();
  const records = await collector.waitForRecords(8);
  await collector.close();
  // Every reading carries GPS time, one second apart: even the first fix's GGA reading, taken
  // before its RMC set the clock, is dated by its monotonic time once the clock is trusted.
  const times = records.map((record) => Math.round(record.time * 1000));
  expect(times).toEqual(Array.from({ length: 8 }, (_, index) => trueUtc + (index + 1) * 1000));
});
