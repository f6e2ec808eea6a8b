/**
 * Home Assistant discovery through a real broker: a node with `homeassistant:` leaves a retained
 * config for every sensor, its board's JSON state carries the values its SenML packs carry,
 * availability follows the node and its board, and Home Assistant's `online` (not `offline`)
 * and a rebirth bring the discovery again. Without the section, nothing goes to Home Assistant's topics.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePack } from '../../src/codec/index.js';
import type { NodeConfig } from '../../src/config/schema.js';
import { VirtualClock } from '../../src/core/clock.js';
import { FieldNode } from '../../src/node.js';
import { RESEND_MIN_MS, RESEND_SPREAD_MS } from '../../src/homeassistant/publisher.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { weatherStationFields } from '../../simulators/devices/weather-station.js';
import { createPtyPair, openDeviceEnd } from '../../simulators/transports/pty.js';
import { describeWithBinary } from '../support/binaries.js';
import { Collector, waitUntil, type CollectedMessage } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';

const SENSORS = weatherStationFields.length;
let mosquittoUrl: string | undefined;
/** One config per sensor and the node's own connection. */
const CONFIGS = SENSORS + 1;

function stationConfig(brokerUrl: string, nodeId: string, board: Record<string, unknown>, homeassistant: boolean): NodeConfig {
  return validateSimulated({
    dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-ha-')),
    node: { id: nodeId, site: 'test-site' },
    // aedes speaks MQTT 3.1.1 only: saying so spares the fallback, which waits for a reconnect in virtual time.
    broker: { url: brokerUrl, protocol: brokerUrl === mosquittoUrl ? '5' : '3.1.1' },
    batching: { maxReadings: 8, maxDelayMs: 5000 },
    ...(homeassistant ? { homeassistant: { nodeName: 'Test station' } } : {}),
    boards: [{ id: 'station', ...board, device: { type: 'lines' }, sensors: weatherStationFields.map((field) => ({ name: field.name, unit: field.unit, key: field.key })) }],
  });
}

const isDiscovery = (message: CollectedMessage) => message.topic.startsWith('homeassistant/') && message.topic.endsWith('/config');
const body = (message: CollectedMessage) => JSON.parse(message.payload.toString()) as Record<string, unknown>;

/** Home Assistant's rule for `availability_mode: all`: available while every topic's last state says so. */
function available(config: Record<string, unknown>, messages: readonly CollectedMessage[]): boolean {
  const entries = config['availability'] as { topic: string; payload_available: string }[];
  expect(config['availability_mode']).toBe('all');
  return entries.every((entry) => {
    const last = messages.filter((message) => message.topic === entry.topic).at(-1);
    return last !== undefined && body(last)['state'] === entry.payload_available;
  });
}

/** Moves virtual time in steps, letting the broker and the mock port run between them. */
async function advance(clock: VirtualClock, ms: number, stepMs = 500): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
    clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function discoveryScenario(brokerUrl: string, nodeId: string, mqttVersion: 4 | 5): Promise<void> {
  const everything = await Collector.connect(brokerUrl, '#', mqttVersion);
  const homeAssistant = await mqtt.connectAsync(brokerUrl, { clientId: `home-assistant-${nodeId}`, protocolVersion: mqttVersion });
  const clock = new VirtualClock(Date.UTC(2026, 3, 1, 6));
  const node = simulatedNode(stationConfig(brokerUrl, nodeId, { simulator: { device: 'weather-station', seed: 11, intervalMs: 1000 } }, true), { clock, version: '9.9.9' });
  const discovery = () => everything.messages.filter(isDiscovery);
  try {
    await node.start();
    await waitUntil(() => discovery().length === CONFIGS, 10_000, () => `${discovery().length} discovery configs`);
    const configs = discovery().map(body);
    expect(configs.map((config) => config['unique_id'])).toEqual([`fieldnode/test-site/${nodeId}/status`, ...weatherStationFields.map((field) => `fieldnode/test-site/${nodeId}/station/${field.name}`)]);

    // The state topic carries what the packs carry, batch by batch.
    await advance(clock, 40_000);
    const stateTopic = `fieldnode/test-site/${nodeId}/station/state`;
    const dataTopic = `fieldnode/test-site/${nodeId}/station/data`;
    await waitUntil(() => everything.records.length >= 40 * SENSORS, 10_000, () => `${everything.records.length} records`);
    const packs = everything.messages.filter((message) => message.topic === dataTopic).map((message) => decodePack(message.payload));
    const states = everything.messages.filter((message) => message.topic === stateTopic).map(body);
    expect(states.length).toBeGreaterThanOrEqual(packs.length);
    packs.forEach((records, index) => {
      const expected: Record<string, unknown> = {};
      for (const record of records) expected[record.name.slice(`${nodeId}/station/`.length)] = record.value;
      const newest = Math.max(...records.map((record) => Math.round(record.time * 1000)));
      expect(states[index]).toMatchObject({ ...expected, time: new Date(newest).toISOString() });
    });
    // Each entity's template finds its value: what Home Assistant would show for the last state.
    const lastState = states.at(-1)!;
    for (const config of configs.slice(1)) expect(typeof lastState[String(config['name'])]).toBe('number');
    expect(configs.slice(1).every((config) => config['state_topic'] === stateTopic)).toBe(true);
    expect(configs.slice(1).every((config) => available(config, everything.messages))).toBe(true);

    // Home Assistant going offline changes nothing; coming online brings every config once more.
    const seen: string[] = [];
    node.uplink!.subscribe('homeassistant/+', (message) => seen.push(message.payload.toString()));
    await waitUntil(() => node.uplink!.isConnected);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await homeAssistant.publishAsync('homeassistant/status', 'offline', { qos: 1 });
    await waitUntil(() => seen.includes('offline'), 10_000, () => 'offline to reach the node');
    await advance(clock, RESEND_MIN_MS + RESEND_SPREAD_MS + 2000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(discovery()).toHaveLength(CONFIGS);
    await homeAssistant.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await waitUntil(() => seen.includes('online'), 10_000, () => 'online to reach the node');
    // Not before the smallest delay...
    await advance(clock, RESEND_MIN_MS - 500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(discovery()).toHaveLength(CONFIGS);
    // ...and once within the spread.
    await advance(clock, RESEND_SPREAD_MS + 1000);
    await waitUntil(() => discovery().length === 2 * CONFIGS, 10_000, () => `${discovery().length} discovery configs`);
    await advance(clock, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(discovery()).toHaveLength(2 * CONFIGS);
    expect(discovery().slice(CONFIGS).map(body)).toEqual(configs);

    // A rebirth asked of the node brings its discovery after the births.
    await homeAssistant.publishAsync(`fieldnode/test-site/${nodeId}/cmd/rebirth`, '', { qos: 1 });
    await waitUntil(() => discovery().length === 3 * CONFIGS, 10_000, () => `${discovery().length} discovery configs`);
    const birthAt = everything.messages.findLastIndex((message) => message.topic === `fieldnode/test-site/${nodeId}/birth`);
    expect(everything.messages.findIndex((message, index) => index > birthAt && isDiscovery(message))).toBeGreaterThan(birthAt);

    // Home Assistant starting later finds every config and the last state, retained.
    const late = await Collector.connect(brokerUrl, `homeassistant/+/${nodeId}/#`, mqttVersion);
    const lateState = await Collector.connect(brokerUrl, stateTopic, mqttVersion);
    await waitUntil(() => late.messages.length === CONFIGS && lateState.messages.length === 1, 10_000, () => `${late.messages.length} retained configs`);
    expect(late.messages.every((message) => message.retain)).toBe(true);
    expect(lateState.messages[0]).toMatchObject({ retain: true, ...(mqttVersion === 5 ? { contentType: 'application/json' } : {}) });
    await Promise.all([late.close(), lateState.close()]);

    await node.stop();
    await waitUntil(() => everything.messages.some((message) => message.topic === `fieldnode/test-site/${nodeId}/status` && body(message)['state'] === 'offline'));
    expect(configs.slice(1).some((config) => available(config, everything.messages))).toBe(false);
  } finally {
    await node.stop();
    await Promise.all([everything.close(), homeAssistant.endAsync()]);
  }
}

describe('Home Assistant discovery, embedded aedes broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });
  afterAll(() => broker.close());

  it('publishes retained discovery and JSON state, follows availability and resends on online only', () => discoveryScenario(broker.url, 'ha-aedes', 4));

  it('publishes nothing for Home Assistant without the homeassistant section', async () => {
    const own = await startEmbeddedBroker();
    const everything = await Collector.connect(own.url, '#', 4);
    const clock = new VirtualClock(Date.UTC(2026, 3, 1, 6));
    const node = simulatedNode(stationConfig(own.url, 'no-ha', { simulator: { device: 'weather-station', seed: 3, intervalMs: 1000 } }, false), { clock });
    await node.start();
    await waitUntil(() => node.uplink!.isConnected);
    await advance(clock, 20_000);
    await waitUntil(() => everything.records.length >= 20 * SENSORS, 10_000, () => `${everything.records.length} records`);
    await node.stop();
    await everything.close();
    await own.close();
    const topics = new Set(everything.messages.map((message) => message.topic));
    expect([...topics].filter((topic) => topic.startsWith('homeassistant/') || topic.endsWith('/state'))).toEqual([]);
    // The node did publish: births, statuses and data.
    expect(topics).toContain('fieldnode/test-site/no-ha/station/data');
  });
});

describeWithBinary('mosquitto', 'mosquitto', 'Home Assistant discovery, mosquitto broker', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
    mosquittoUrl = broker.url;
  });
  afterAll(() => broker.close());

  it('publishes retained discovery and JSON state, follows availability and resends on online only', () => discoveryScenario(broker.url, 'ha-mosquitto', 5));
});

describeWithBinary('socat', 'socat', 'Home Assistant availability when a board is unplugged', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });
  afterAll(() => broker.close());

  it('makes the board\'s entities unavailable while the node stays available', async () => {
    const pty = await createPtyPair();
    const deviceEnd = await openDeviceEnd(pty.devicePath);
    const everything = await Collector.connect(broker.url, '#', 4);
    const node = new FieldNode(stationConfig(broker.url, 'ha-unplug', { port: pty.hostPath }, true));
    try {
      await node.start();
      const configs = () => everything.messages.filter(isDiscovery).map(body);
      const boardStatus = 'fieldnode/test-site/ha-unplug/station/status';
      await waitUntil(() => configs().length === CONFIGS && everything.messages.some((message) => message.topic === boardStatus), 10_000, () => `${configs().length} configs`);
      const [connection, ...sensors] = configs();
      expect(sensors.every((config) => available(config, everything.messages))).toBe(true);
      await deviceEnd.close();
      await pty.close(); // socat exits: the pty is gone, as a USB adapter pulled out
      await waitUntil(() => everything.messages.some((message) => message.topic === boardStatus && body(message)['state'] === 'offline'), 10_000, () => 'the board to go offline');
      expect(sensors.some((config) => available(config, everything.messages))).toBe(false);
      // The node itself is still connected and says so.
      const nodeStatus = everything.messages.filter((message) => message.topic === connection!['state_topic']).at(-1)!;
      expect(body(nodeStatus)['state']).toBe('online');
    } finally {
      await node.stop();
      await everything.close();
    }
  });
});
