/**
 * A node configured with `encoding: { floats: compact }` says so in its birth, and the
 * consumer helper, told nothing, reads its packs as the decimals they were: over a real
 * broker, from a real node on a simulated weather station.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodePack } from '../../src/codec/index.js';
import { FieldnodeConsumer, type ConsumedPack, type SessionMessage } from '../../src/consumer/consumer.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode, type SimulatedNode } from '../support/simulated-node.js';
import { weatherStationConfig } from '../e2e/support.js';

describe('float encoding, as the birth says it', () => {
  let broker: EmbeddedBroker | undefined;
  let node: SimulatedNode | undefined;
  afterEach(async () => {
    await node?.stop();
    await broker?.close();
    node = broker = undefined;
  });

  for (const floats of ['exact', 'compact'] as const) {
    it(`reads a node's ${floats} packs as the decimals the sensors gave, without being told`, async () => {
      broker = await startEmbeddedBroker();
      const packs: ConsumedPack[] = [];
      const births: SessionMessage[] = [];
      const consumer = await FieldnodeConsumer.connect(broker.url, { clientId: `consumer-${floats}`, onPack: (pack) => packs.push(pack), onSession: (message) => message.kind === 'birth' && births.push(message) });
      const raw = await Collector.connect(broker.url, 'fieldnode/test-site/+/station/data', 4);
      const config = weatherStationConfig({ brokerUrl: broker.url, nodeId: `${floats}-node`, maxReadings: 8, maxDelayMs: 50, board: { simulator: { device: 'weather-station', seed: 3, intervalMs: 20 } } });
      node = simulatedNode({ ...config, encoding: { floats, secondaryUnits: 'announce' } });
      await node.start();
      await waitUntil(() => packs.length >= 5 && raw.messages.length >= 5);
      await node.stop();
      await consumer.close();
      await raw.close();

      expect(births.find((birth) => birth.board === undefined)?.body['encoding']).toEqual({ floats, secondaryUnits: 'announce' });
      const bySeq = new Map(packs.map((pack) => [pack.seq, pack]));
      let differs = 0;
      for (const message of raw.messages.slice(0, 5)) {
        const asSent = decodePack(message.payload, { floats });
        const readAsExact = decodePack(message.payload);
        const pack = [...bySeq.values()].find((candidate) => candidate.records[0]?.time === asSent[0]?.time && candidate.records[0]?.name === asSent[0]?.name);
        expect(pack?.records.map((record) => record.value)).toEqual(asSent.map((record) => record.value));
        for (const record of pack!.records) if (typeof record.value === 'number') expect(Number(record.value.toPrecision(7))).toBe(record.value);
        differs += asSent.filter((record, index) => record.value !== readAsExact[index]!.value).length;
      }
      // Compact packs hold float32s that only a decoder told so reads back as decimals; exact ones are the same to all.
      if (floats === 'compact') expect(differs).toBeGreaterThan(0);
      else expect(differs).toBe(0);
    });
  }
});
