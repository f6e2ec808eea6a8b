/**
 * Filters through the whole runtime to a real broker: a sonar twin read by the maxbotix driver,
 * its level through `delta` and its range unfiltered, one reading a pack. The subscriber gets
 * exactly the readings the filters let through, and the packs' sequence numbers have no gap
 * where a reading was dropped: packs are numbered when they are sent, not when read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage } from '../../src/codec/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { DeltaGate } from '../../src/pipeline/filters/gates.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import type { SonarValues } from '../../simulators/devices/maxbotix.js';
import type { Emission, PeriodicDevice } from '../../simulators/devices/periodic.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

const MOUNT_HEIGHT_MM = 4000;
const DELTA_M = 0.01;
const READINGS = 200;

describe('filters through a node to the broker', () => {
  it('delivers the filtered readings only, in packs numbered without gaps', { timeout: 60_000 }, async () => {
    const config = validateSimulated({
      dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-filters-')),
      node: { id: 'weir', site: 'river' },
      broker: { url: broker.url, protocol: '3.1.1' },
      batching: { maxReadings: 1, maxDelayMs: 1000 },
      boards: [
        {
          id: 'sonar',
          simulator: { device: 'maxbotix', seed: 5, mountHeightMm: MOUNT_HEIGHT_MM, intervalMs: 1000, noiseMm: 6 },
          device: { type: 'maxbotix', mountHeightMm: MOUNT_HEIGHT_MM },
          sensors: [
            { name: 'range', unit: 'mm', field: 'range' },
            { name: 'level', unit: 'm', field: 'level', filters: [{ delta: { absolute: DELTA_M } }] },
          ],
        },
      ],
    });
    const clock = new VirtualClock(Date.UTC(2026, 6, 1, 4));
    const collector = await Collector.connect(broker.url, 'fieldnode/river/weir/+/data', 4);
    const node = simulatedNode(config, { clock });
    try {
      await node.start();
      await waitUntil(() => node.uplink?.isConnected ?? false);
      const emissions: Emission<SonarValues>[] = [];
      (node.simulatedDevice('sonar') as PeriodicDevice<SonarValues>).onEmit((emission) => emissions.push(emission));
      for (let index = 0; index < READINGS; index++) {
        clock.advance(1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      clock.advance(1000);
      await waitUntil(() => node.stats().boards['sonar']!.readings >= emissions.length * 2, 10_000, () => `${node.stats().boards['sonar']!.readings} readings`);
      await node.stop();

      // What delta must let through, from the twin's own values as the driver turns them into a level.
      const gate = new DeltaGate({ absolute: DELTA_M });
      const levels = emissions.map(({ values }) => (MOUNT_HEIGHT_MM - values.rangeMm) / 1000);
      const expectedLevels = levels.filter((level) => gate.passes(level));
      expect(expectedLevels.length).toBeLessThan(levels.length / 2);
      const sent = emissions.length + expectedLevels.length;
      await waitUntil(() => collector.messages.length >= sent, 15_000, () => `${collector.messages.length} of ${sent} packs`);

      const packs = collector.messages.map((message) => decodeMessage(message.payload));
      const records = packs.flatMap((pack) => pack.records);
      expect(records.filter((record) => record.name === 'weir/sonar/range').map((record) => record.value)).toEqual(emissions.map(({ values }) => values.rangeMm));
      expect(records.filter((record) => record.name === 'weir/sonar/level').map((record) => record.value)).toEqual(expectedLevels);
      const seqs = packs.map((pack) => pack.session!.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: sent }, (_, index) => index + 1));
    } finally {
      await node.stop();
      await collector.close();
    }
  });
});
