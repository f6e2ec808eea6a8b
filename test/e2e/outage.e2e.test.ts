/**
 * No reading lost: a real mosquitto stopped and restarted under a steady reading rate, a
 * full outbox, and commands. The consumer is the package's own helper with a persistent
 * session, as a real consumer would run it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import type { ConsumedPack } from '../../src/consumer/consumer.js';
import { FieldnodeConsumer, type SessionMessage } from '../../src/consumer/consumer.js';
import { VirtualClock } from '../../src/core/clock.js';
import { emptyForwarderStats } from '../../src/outbox/forwarder.js';
import type { EmittedSample, WeatherStation } from '../../simulators/devices/weather-station.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';
import { simulatedNode } from '../support/simulated-node.js';
import { expectedReadings, weatherStationConfig } from './support.js';

function readingsInSeqOrder(packs: readonly ConsumedPack[]) {
  return [...packs].sort((a, b) => a.boot - b.boot || a.seq - b.seq).flatMap((pack) => pack.records.map((record) => ({ name: record.name, unit: record.unit, value: record.value })));
}

async function consumer(url: string, packs: ConsumedPack[], session: SessionMessage[] = []) {
  return FieldnodeConsumer.connect(url, {
    clientId: `consumer-${Math.random().toString(36).slice(2)}`,
    sessionExpirySeconds: 600,
    onPack: (pack) => packs.push(pack),
    onSession: (message) => session.push(message),
  });
}

describeWithBinary('mosquitto', 'mosquitto', 'store and forward through a broker outage', () => {
  let broker: MosquittoBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('delivers every reading of a steady stream across a broker stop and restart, once each, in sequence', async () => {
    broker = await startMosquitto({ persistence: true });
    const packs: ConsumedPack[] = [];
    const reader = await consumer(broker.url, packs);
    const node = simulatedNode(
      weatherStationConfig({
        brokerUrl: broker.url,
        nodeId: 'outage-node',
        maxReadings: 20,
        maxDelayMs: 100,
        board: { simulator: { device: 'weather-station', seed: 21, intervalMs: 5 } },
        broker: { reconnect: { initialDelayMs: 100, maxDelayMs: 400 } },
      }),
    );
    await node.start();
    const emitted: EmittedSample[] = [];
    const station = node.simulatedDevice('station') as WeatherStation;
    station.onSample((sample) => emitted.push(sample));
    await waitUntil(() => (node.stats().forwarder.readingsAcked ?? 0) > 100);
    await broker.stop();
    const duringOutage = emitted.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(node.forwarder!.backlogTotals().readings).toBeGreaterThan(0);
    await broker.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    station.stop();
    const total = emitted.length * 4;
    expect(emitted.length - duringOutage).toBeGreaterThan(200); // readings kept flowing through the outage
    await waitUntil(() => node.stats().boards['station']!.readings === total);
    await node.stop();
    await waitUntil(() => packs.reduce((sum, pack) => sum + pack.records.length, 0) >= total, 20_000, () => `${packs.reduce((sum, pack) => sum + pack.records.length, 0)} of ${total} readings`);
    await reader.close();
    expect(readingsInSeqOrder(packs)).toEqual(expectedReadings('outage-node', emitted));
    expect(reader.missing().flatMap((entry) => entry.gaps)).toEqual([]);
    expect(packs.some((pack) => pack.historical)).toBe(true);
    expect(packs.some((pack) => !pack.historical)).toBe(true);
    expect(node.stats().forwarder.dropped).toEqual(emptyForwarderStats().dropped);
  });

  for (const overflow of ['drop-oldest', 'reject-new'] as const) {
    it(`holds a full outbox to ${overflow} and counts exactly what it dropped`, async () => {
      broker = await startMosquitto();
      await broker.stop();
      const packs: ConsumedPack[] = [];
      const clock = new VirtualClock(Date.UTC(2026, 8, 1));
      const node = simulatedNode(
        weatherStationConfig({
          brokerUrl: broker.url,
          nodeId: `full-${overflow}`,
          maxReadings: 4,
          maxDelayMs: 10_000,
          outbox: { maxBytes: 65_536, overflow },
          board: { simulator: { device: 'weather-station', seed: 4, intervalMs: 1000 } },
          broker: { reconnect: { initialDelayMs: 1000, maxDelayMs: 1000 } },
        }),
        { clock },
      );
      await node.start();
      const emitted: EmittedSample[] = [];
      (node.simulatedDevice('station') as WeatherStation).onSample((sample) => emitted.push(sample));
      for (let line = 0; line < 1500; line++) {
        clock.advance(1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setImmediate(resolve));
      const dropped = node.stats().forwarder.dropped.full;
      expect(dropped.readings).toBeGreaterThan(0);
      expect(node.forwarder!.backlogTotals().bytes).toBeLessThanOrEqual(65_536);
      (node.simulatedDevice('station') as WeatherStation).stop();
      await broker.start();
      const sessions: SessionMessage[] = [];
      const reader = await consumer(broker.url, packs, sessions);
      await waitUntil(() => {
        clock.advance(100);
        return node.stats().forwarder.readingsAcked + dropped.readings === emitted.length * 4;
      }, 20_000, () => `${node.stats().forwarder.readingsAcked} acknowledged`);
      await node.stop();
      await waitUntil(() => packs.reduce((sum, pack) => sum + pack.records.length, 0) + dropped.readings >= emitted.length * 4);
      await reader.close();
      const delivered = readingsInSeqOrder(packs);
      const all = expectedReadings(`full-${overflow}`, emitted);
      expect(delivered.length + dropped.readings).toBe(all.length);
      // drop-oldest keeps the newest readings; reject-new keeps the oldest.
      expect(delivered).toEqual(overflow === 'drop-oldest' ? all.slice(all.length - delivered.length) : all.slice(0, delivered.length));
      const statuses = sessions.filter((message) => message.kind === 'status' && message.board === undefined && message.body['state'] === 'online');
      expect(statuses.at(-1)?.body['dropped']).toMatchObject({ full: { readings: dropped.readings } });
      expect(statuses.at(-1)?.body['held']).toEqual({ packs: 0, readings: 0, bytes: 0 });
    });
  }

  it('answers rebirth with the births, and rejects hostile commands with a reason', async () => {
    broker = await startMosquitto();
    const node = simulatedNode(weatherStationConfig({ brokerUrl: broker.url, nodeId: 'cmd-node', board: { simulator: { device: 'weather-station', intervalMs: 1000 } } }));
    await node.start();
    await waitUntil(() => node.uplink?.isConnected ?? false);
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const responses: { topic: string; body: Record<string, unknown>; correlation?: string }[] = [];
    client.on('message', (topic, payload, packet) => responses.push({ topic, body: JSON.parse(payload.toString()) as Record<string, unknown>, correlation: packet.properties?.correlationData?.toString() }));
    await client.subscribeAsync(['fieldnode/test-site/cmd-node/reply/#', 'fieldnode/test-site/cmd-node/birth', 'elsewhere/#'], { qos: 1 });
    await waitUntil(() => responses.some((response) => response.topic.endsWith('/birth')));
    const births = () => responses.filter((response) => response.topic.endsWith('/birth')).length;
    const before = births();
    const ask = (verb: string, payload: string, responseTopic: string, correlation: string) =>
      client.publishAsync(`fieldnode/test-site/cmd-node/cmd/${verb}`, payload, { qos: 1, properties: { responseTopic, correlationData: Buffer.from(correlation) } });
    await ask('rebirth', '', 'fieldnode/test-site/cmd-node/reply/1', 'r1');
    await ask('selfdestruct', '', 'fieldnode/test-site/cmd-node/reply/2', 'r2');
    await ask('rebirth', '{"x":', 'fieldnode/test-site/cmd-node/reply/3', 'r3');
    await ask('rebirth', '', 'elsewhere/reply', 'r4');
    await waitUntil(() => responses.filter((response) => response.topic.includes('/reply/')).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const replies = Object.fromEntries(responses.filter((response) => response.topic.includes('/reply/')).map((response) => [response.correlation, response.body]));
    expect(replies).toEqual({
      r1: { command: 'rebirth', ok: true, result: { boot: 1 } },
      r2: { command: 'selfdestruct', ok: false, error: 'unknown command "selfdestruct"; known: rebirth, ping, read-now, set-interval, get-config, reload-config' },
      r3: { command: 'rebirth', ok: false, error: 'payload is not JSON' },
    });
    expect(responses.some((response) => response.topic.startsWith('elsewhere/'))).toBe(false);
    expect(births()).toBeGreaterThan(before);
    const birth = responses.filter((response) => response.topic.endsWith('/birth')).at(-1)!.body;
    expect(birth).toMatchObject({ node: 'cmd-node', site: 'test-site', boot: 1, boards: [{ board: 'station', device: 'lines', source: 'simulator:weather-station', sensors: expect.arrayContaining([{ name: 'temperature', unit: 'Cel' }]) }] });
    await client.endAsync();
    await node.stop();
  });

  it('drops packs larger than the broker accepts, explains why, and does not reconnect in a loop', async () => {
    broker = await startMosquitto({ listeners: (port) => [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_packet_size 2000'] });
    const logger = memoryLogger();
    const node = simulatedNode(
      weatherStationConfig({ brokerUrl: broker.url, nodeId: 'big-node', maxReadings: 200, maxDelayMs: 100_000, board: { simulator: { device: 'weather-station', intervalMs: 2 } } }),
      { logger },
    );
    await node.start();
    await waitUntil(() => node.stats().forwarder.dropped.refused.packs >= 2, 10_000);
    expect(node.uplink!.connectionGeneration).toBe(1);
    expect(logger.entries.some((entry) => /^a pack of \d+ bytes exceeds the broker's maximum packet size \(2000\): lower batching.maxReadings$/.test(entry.message))).toBe(true);
    await node.stop();
  });

  it('subscribes to its commands again after the broker restarts without memory of it', async () => {
    broker = await startMosquitto();
    const node = simulatedNode(
      weatherStationConfig({
        brokerUrl: broker.url,
        nodeId: 'resub-node',
        board: { simulator: { device: 'weather-station', intervalMs: 1000 } },
        broker: { reconnect: { initialDelayMs: 100, maxDelayMs: 200 } },
      }),
    );
    await node.start();
    await waitUntil(() => node.uplink?.isConnected ?? false);
    const firstGeneration = node.uplink!.connectionGeneration;
    await broker.stop();
    await broker.start();
    await waitUntil(() => (node.uplink?.isConnected ?? false) && node.uplink!.connectionGeneration > firstGeneration, 10_000);
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const replies: string[] = [];
    client.on('message', (_topic, payload) => replies.push(payload.toString()));
    await client.subscribeAsync('fieldnode/test-site/resub-node/reply/#', { qos: 1 });
    await waitUntil(() => {
      if (replies.length === 0) void client.publishAsync('fieldnode/test-site/resub-node/cmd/rebirth', '', { qos: 1, properties: { responseTopic: 'fieldnode/test-site/resub-node/reply/x' } });
      return replies.length > 0;
    }, 10_000);
    expect(JSON.parse(replies[0]!)).toEqual({ command: 'rebirth', ok: true, result: { boot: 1 } });
    await client.endAsync();
    await node.stop();
  });

  it('numbers boots across restarts and resends what the last run left in the outbox, marked historical', async () => {
    broker = await startMosquitto();
    const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-boots-'));
    const config = weatherStationConfig({ brokerUrl: broker.url, nodeId: 'boot-node', dataDir, maxReadings: 8, maxDelayMs: 50, board: { simulator: { device: 'weather-station', seed: 9, intervalMs: 5 } } });
    await broker.stop();
    const first = simulatedNode(config);
    await first.start();
    const emitted: EmittedSample[] = [];
    (first.simulatedDevice('station') as WeatherStation).onSample((sample) => emitted.push(sample));
    await waitUntil(() => emitted.length >= 100);
    (first.simulatedDevice('station') as WeatherStation).stop();
    await first.stop();
    expect(first.boot).toBe(1);
    await broker.start();
    const packs: ConsumedPack[] = [];
    const reader = await consumer(broker.url, packs);
    // The same node, its board now quiet: whatever it sends is what the first run left behind.
    const quiet = { ...config.boards[0]!, simulator: { device: 'weather-station', seed: 9, intervalMs: 100_000, format: 'kv' } } as (typeof config.boards)[number];
    const second = simulatedNode({ ...config, boards: [quiet] });
    await second.start();
    expect(second.boot).toBe(2);
    await waitUntil(() => packs.reduce((sum, pack) => sum + pack.records.length, 0) >= emitted.length * 4);
    await second.stop();
    await reader.close();
    expect(packs.every((pack) => pack.boot === 1 && pack.historical)).toBe(true);
    expect(readingsInSeqOrder(packs)).toEqual(expectedReadings('boot-node', emitted));
  });
});
