/**
 * Hardware-in-the-loop without hardware: the weather-station twin writes to one end of a
 * socat pty pair and the runtime reads the other through the real serialport binding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { FieldnodeConsumer, type SessionMessage } from '../../src/consumer/consumer.js';
import { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { WeatherStation, type EmittedSample } from '../../simulators/devices/weather-station.js';
import { createPtyPair, openDeviceEnd } from '../../simulators/transports/pty.js';
import { describeWithBinary } from '../support/binaries.js';
import { Collector, waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';
import { expectSameReadings, weatherStationConfig } from './support.js';

const LINES = 300;

async function stationOverPty(brokerUrl: string, nodeId: string) {
  const pty = await createPtyPair();
  const deviceEnd = await openDeviceEnd(pty.devicePath);
  const collector = await Collector.connect(brokerUrl, `fieldnode/test-site/${nodeId}/station/data`, 4);
  const node = new FieldNode(weatherStationConfig({ brokerUrl, nodeId, maxReadings: 40, board: { port: pty.hostPath, device: { baud: 9600 } } }));
  await node.start();
  const station = new WeatherStation({ seed: 5, intervalMs: 2, format: 'kv' }, deviceEnd.link, systemClock);
  const emitted: EmittedSample[] = [];
  station.onSample((sample) => emitted.push(sample));
  station.start();
  await waitUntil(() => emitted.length >= LINES, 20_000, () => `${emitted.length} lines emitted`);
  station.stop();
  await deviceEnd.drained();
  await waitUntil(() => node.stats().boards['station']!.readings === emitted.length * 4, 10_000, () => `${node.stats().boards['station']!.readings} of ${emitted.length * 4} readings`);
  await node.stop();
  const records = await collector.waitForRecords(emitted.length * 4);
  await Promise.all([collector.close(), deviceEnd.close()]);
  await pty.close();
  expectSameReadings(nodeId, emitted, records);
  expect(node.stats().boards['station']!.problems).toEqual({});
}

describeWithBinary('socat', 'socat', 'weather station over a socat pty, real serialport binding', () => {
  describe('to the embedded aedes broker', () => {
    let broker: EmbeddedBroker;
    beforeAll(async () => {
      broker = await startEmbeddedBroker();
    });
    afterAll(() => broker.close());

    it('delivers every line the twin printed, in order', () => stationOverPty(broker.url, 'pty-aedes'));
  });

  describe('when the port disappears', () => {
    let broker: EmbeddedBroker;
    beforeAll(async () => {
      broker = await startEmbeddedBroker();
    });
    afterAll(() => broker.close());

    it('reports the board (the device) offline, and the node stays up', async () => {
      const pty = await createPtyPair();
      const deviceEnd = await openDeviceEnd(pty.devicePath);
      const sessions: SessionMessage[] = [];
      const consumer = await FieldnodeConsumer.connect(broker.url, { onPack: () => undefined, onSession: (message) => sessions.push(message) });
      const node = new FieldNode(weatherStationConfig({ brokerUrl: broker.url, nodeId: 'unplug-node', board: { port: pty.hostPath } }));
      await node.start();
      const boardStates = () => sessions.filter((message) => message.kind === 'status' && message.board === 'station').map((message) => message.body);
      await waitUntil(() => boardStates().some((body) => body['state'] === 'online'));
      await deviceEnd.close();
      await pty.close(); // socat exits: the pty is gone, as a USB adapter pulled out
      await waitUntil(() => boardStates().some((body) => body['state'] === 'offline'), 10_000, () => JSON.stringify(boardStates()));
      expect(boardStates().at(-1)).toMatchObject({ state: 'offline', boot: 1, reason: 'hung up' });
      expect(node.uplink?.isConnected).toBe(true);
      await node.stop();
      await consumer.close();
    });
  });

  describeWithBinary('mosquitto', 'mosquitto', 'to mosquitto', () => {
    let broker: MosquittoBroker;
    beforeAll(async () => {
      broker = await startMosquitto();
    });
    afterAll(() => broker?.close());

    it('delivers every line the twin printed, in order', () => stationOverPty(broker.url, 'pty-mosquitto'));
  });
});
