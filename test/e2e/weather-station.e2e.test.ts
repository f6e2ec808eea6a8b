/**
 * Simulated board → runtime → real broker over TCP → a separate subscriber decodes the packs:
 * the values equal what the simulator emitted, in order, none missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import type { EmittedSample, WeatherStation } from '../../simulators/devices/weather-station.js';
import { describeWithBinary } from '../support/binaries.js';
import { Collector, waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';
import { simulatedNode } from '../support/simulated-node.js';
import { expectSameReadings, weatherStationConfig } from './support.js';

const LINES = 200;

/** Runs the simulated station for LINES lines in virtual time and checks the far end. */
async function simulatedStationReachesSubscriber(brokerUrl: string, nodeId: string, protocol: string, collectorVersion: 4 | 5) {
  const collector = await Collector.connect(brokerUrl, `fieldnode/test-site/${nodeId}/#`, collectorVersion);
  const clock = new VirtualClock(Date.UTC(2026, 3, 1, 6));
  const node = simulatedNode(weatherStationConfig({ brokerUrl, nodeId, protocol, maxDelayMs: 5000, board: { simulator: { device: 'weather-station', seed: 11, intervalMs: 1000 } } }), { clock });
  await node.start();
  const station = node.simulatedDevice('station') as WeatherStation;
  const emitted: EmittedSample[] = [];
  station.onSample((sample) => emitted.push(sample));
  for (let line = 0; line < LINES; line++) {
    clock.advance(1000);
    // Let the mock port deliver the line before the next one, as a 9600-baud wire would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await waitUntil(() => node.stats().boards['station']!.readings === LINES * 4, 10_000, () => `${node.stats().boards['station']!.readings} readings decoded`);
  await node.stop();
  const records = await collector.waitForRecords(LINES * 4);
  await collector.close();
  expect(emitted).toHaveLength(LINES);
  expectSameReadings(nodeId, emitted, records);
  // Each reading carries the time it was read, in virtual time.
  expect(records.filter((_, index) => index % 4 === 0).map((record) => Math.round(record.time * 1000))).toEqual(emitted.map((entry) => entry.time));
  expect(node.stats().forwarder.readingsAcked).toBe(LINES * 4);
  return collector;
}

describe('weather station end to end, embedded aedes broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });
  afterAll(() => broker.close());

  it('delivers every emitted value, in order (MQTT 3.1.1 after the automatic fallback)', async () => {
    const collector = await simulatedStationReachesSubscriber(broker.url, 'aedes-node', 'auto', 4);
    const states = (topic: string) => collector.messages.filter((message) => message.topic === topic).map((message) => (JSON.parse(message.payload.toString()) as { state: string }).state);
    // Online at connect and every statusIntervalSeconds (60 s of the 200 s run), offline at the end.
    expect(states('fieldnode/test-site/aedes-node/status')).toEqual(['online', 'online', 'online', 'online', 'offline']);
    expect(states('fieldnode/test-site/aedes-node/station/status')).toEqual(['online', 'offline']);
  });
});

describeWithBinary('mosquitto', 'mosquitto', 'weather station end to end, mosquitto broker', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker.close());

  it('delivers every emitted value, in order, over MQTT 5 with the SenML-CBOR content type', async () => {
    const collector = await simulatedStationReachesSubscriber(broker.url, 'mosquitto-node', 'auto', 5);
    const data = collector.messages.filter((message) => message.topic === 'fieldnode/test-site/mosquitto-node/station/data');
    // Packs fill by count (12 readings = 3 lines) within the 5 s window of virtual time.
    expect(data.length).toBe(Math.ceil((LINES * 4) / 12));
    expect(new Set(data.map((message) => message.contentType))).toEqual(new Set(['application/senml+cbor']));
    const session = collector.messages.filter((message) => !message.topic.endsWith('/data'));
    expect(new Set(session.map((message) => message.contentType))).toEqual(new Set(['application/json']));
  });

  it('leaves a retained status that a later subscriber sees', async () => {
    const late = await Collector.connect(broker.url, 'fieldnode/test-site/mosquitto-node/status');
    await waitUntil(() => late.messages.length > 0);
    expect(late.messages[0]).toMatchObject({ retain: true });
    expect(JSON.parse(late.messages[0]!.payload.toString())).toMatchObject({ state: 'offline', boot: 1 });
    await late.close();
  });
});
