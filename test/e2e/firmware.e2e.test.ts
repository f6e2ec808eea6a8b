/**
 * Firmware in the loop: the weather-station sketch, compiled to the .hex a technician
 * flashes, runs in an emulated Uno behind a socat pty; the node reads it through the real
 * serialport binding and publishes to a broker, and a separate subscriber gets the values
 * the physical models put on the BME280, to its resolution. Then the cable is pulled in the
 * middle of a line: the node recovers, and the cut line is counted, never published.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ResolvedRecord } from '../../src/codec/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { FieldnodeConsumer, type SessionMessage } from '../../src/consumer/consumer.js';
import { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { startTwin, type PtyTwin } from '../../simulators/api/twin.js';
import type { FirmwareTwin } from '../../simulators/firmware/twin.js';
import type { WorldObservation } from '../../simulators/firmware/world.js';
import { describeWithBinary } from '../support/binaries.js';
import { Collector, waitUntil } from '../support/collector.js';
import { describeWithFirmware } from '../support/firmware.js';
import { simulatedNode } from '../support/simulated-node.js';
import { weatherStationConfig } from './support.js';

/** What the sensors resolve, as printed: 0.01 °C, 0.1 %RH, 1 Pa. */
const TOLERANCE: Record<string, number> = { temperature: 0.01 + 1e-9, humidity: 0.1 + 1e-9, pressure: 1, rain: 0 };

/** The published records of each line, by the time the node stamped them, field name to value. */
function linesOf(records: readonly ResolvedRecord[]): Record<string, number>[] {
  const byTime = new Map<number, Record<string, number>>();
  for (const record of records) {
    const line = byTime.get(record.time) ?? {};
    line[record.name.split('/').at(-1)!] = record.value as number;
    byTime.set(record.time, line);
  }
  return [...byTime.values()];
}

/** The index of the observation a published line carries, or -1 when it carries none (a malformed value). */
function observationOf(line: Record<string, number>, observations: readonly WorldObservation[]): number {
  return observations.findIndex((observation) => Object.entries(line).every(([field, value]) => Math.abs(value - observation.values[field]!) <= TOLERANCE[field]!));
}

async function stationOnPty(seed: number) {
  const twin = await startTwin('firmware', { options: { firmware: 'weather-station', board: 'arduino-uno', seed }, pty: true });
  const observations: WorldObservation[] = [];
  (twin.device as FirmwareTwin).onObservation((observation) => observations.push(observation));
  return { twin, observations };
}

describeWithFirmware('weather-station', 'arduino-nano', 'a config board with simulator: { firmware: weather-station }', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });
  afterAll(() => broker.close());

  it("runs the .hex behind the mock binding in the node's virtual time, and its lines are published", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 3, 1, 6));
    const nodeId = 'firmware-config';
    const collector = await Collector.connect(broker.url, `fieldnode/test-site/${nodeId}/station/data`, 4);
    const node = simulatedNode(weatherStationConfig({ brokerUrl: broker.url, nodeId, maxReadings: 4, maxDelayMs: 100, board: { simulator: { firmware: 'weather-station', board: 'arduino-nano', seed: 3 } } }), { clock });
    await node.start();
    const observations: WorldObservation[] = [];
    (node.simulatedDevice('station') as FirmwareTwin).onObservation((observation) => observations.push(observation));
    for (let slice = 0; slice < 310; slice++) {
      clock.advance(10);
      // Let the mock port deliver what the board sent, as the wire would between slices.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const records = await collector.waitForRecords(3 * 4);
    await node.stop();
    await collector.close();
    const lines = linesOf(records);
    expect(lines.map((line) => observationOf(line, observations))).toEqual([0, 1, 2]);
    expect(node.stats().boards['station']!.problems).toEqual({});
  });
});

describeWithBinary('socat', 'socat', 'firmware in the loop', () => {
  describeWithFirmware('weather-station', 'arduino-uno', 'the weather-station .hex in an emulated Uno on a pty', () => {
    let broker: EmbeddedBroker;
    let twin: PtyTwin | undefined;
    beforeAll(async () => {
      broker = await startEmbeddedBroker();
    });
    afterAll(async () => {
      await twin?.stop();
      await broker.close();
    });

    it('publishes the values the models put on the sensors, line after line, none lost', async () => {
      const station = await stationOnPty(11);
      twin = station.twin;
      const nodeId = 'firmware-node';
      const collector = await Collector.connect(broker.url, `fieldnode/test-site/${nodeId}/station/data`, 4);
      const node = new FieldNode(weatherStationConfig({ brokerUrl: broker.url, nodeId, maxReadings: 4, maxDelayMs: 100, board: { port: twin.path, device: { baud: 9600 } } }));
      await node.start();
      const records = await collector.waitForRecords(4 * 4, 20_000);
      await node.stop();
      await collector.close();
      const lines = linesOf(records);
      for (const line of lines) expect(Object.keys(line).sort()).toEqual(['humidity', 'pressure', 'rain', 'temperature']);
      const matched = lines.map((line) => observationOf(line, station.observations));
      expect(matched, JSON.stringify({ lines, observations: station.observations })).not.toContain(-1);
      // Consecutive measurements: no line lost or repeated between the sketch and the subscriber.
      matched.forEach((index, position) => expect(index).toBe(matched[0]! + position));
      expect(node.stats().boards['station']!.problems).toEqual({});
    });

    it('recovers from the cable pulled in the middle of a line, counting the cut line and publishing nothing malformed', async () => {
      await twin?.stop();
      const station = await stationOnPty(12);
      twin = station.twin;
      const pty = twin;
      const nodeId = 'firmware-unplug';
      const collector = await Collector.connect(broker.url, `fieldnode/test-site/${nodeId}/station/data`, 4);
      const sessions: SessionMessage[] = [];
      const consumer = await FieldnodeConsumer.connect(broker.url, { onPack: () => undefined, onSession: (message) => sessions.push(message) });
      const boardStates = () => sessions.filter((message) => message.kind === 'status' && message.board === 'station' && message.node === nodeId).map((message) => message.body['state']);
      const node = new FieldNode(weatherStationConfig({ brokerUrl: broker.url, nodeId, maxReadings: 4, maxDelayMs: 100, board: { port: pty.path, device: { baud: 9600 } } }));
      await node.start();
      const stats = () => node.stats().boards['station']!;
      await waitUntil(() => stats().readings >= 8, 20_000, () => `${stats().readings} readings`);

      // Pulled once the sketch has sent part of a data line, a moment after (the twin's listeners
      // hear a write before it goes out, and the next bytes follow 10 ms later): the node holds its head.
      let pulling = false;
      let unplugged: Promise<void> | undefined;
      let line = '';
      const stopWatching = pty.onData((chunk) => {
        line += chunk.toString('latin1');
        if (pulling || !line.startsWith('t=') || line.includes('\n')) {
          line = line.slice(line.lastIndexOf('\n') + 1);
          return;
        }
        pulling = true;
        setTimeout(() => (unplugged = pty.unplug()), 3);
      });
      await waitUntil(() => unplugged !== undefined, 5_000, () => 'a data line in progress');
      stopWatching();
      await unplugged;
      await waitUntil(() => boardStates().at(-1) === 'offline', 5_000, () => `board states ${JSON.stringify(boardStates())}`);
      const beforeReplug = stats().readings;
      await pty.replug();
      await waitUntil(() => stats().readings >= beforeReplug + 3 * 4, 20_000, () => `${stats().readings - beforeReplug} readings since the replug`);
      expect(boardStates()).toEqual(['online', 'offline', 'online']);
      await node.stop();
      await consumer.close();
      await waitUntil(() => collector.records.length >= stats().readings, 10_000, () => `${collector.records.length} of ${stats().readings} records`);
      await collector.close();

      const lines = linesOf(collector.records);
      expect(lines.map((published) => observationOf(published, station.observations)), JSON.stringify(lines)).not.toContain(-1);
      expect(stats().problems['partial-line']).toBe(1);
    });
  });
});
