/**
 * The publisher over a real connection (aedes over TCP): discovery at connect, a reload that
 * drops sensors removes their entities (empty retained configs), a new discovery prefix moves
 * everything, and a reload without the section leaves nothing retained.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeConfig } from '../../src/config/schema.js';
import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { HomeAssistantPublisher, RESEND_MIN_MS, RESEND_SPREAD_MS } from '../../src/homeassistant/publisher.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { MqttUplink } from '../../src/uplink/mqtt-uplink.js';
import { Collector, waitUntil } from '../support/collector.js';
import { validateSimulated } from '../support/simulated-node.js';

const ADDRESS = { prefix: 'fieldnode', site: 'lab', node: 'bench' };

function config(boards: Record<string, unknown>[]): NodeConfig {
  return validateSimulated({ dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-ha-')), node: { id: 'bench', site: 'lab' }, broker: { url: 'mqtt://127.0.0.1:1' }, homeassistant: {}, boards });
}

const station = { id: 'station', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }, { name: 'humidity', unit: '%RH', key: 'h' }] };
const dust = { id: 'dust', simulator: { device: 'sds011' }, device: { type: 'sds011' }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }] };
const gate = { id: 'gate', simulator: { device: 'firmata-board' }, device: { type: 'digital' }, sensors: [{ name: 'door', pin: 2 }] };

/** The retained configs a subscriber that joins now is given (empty ones are deletions, never retained). */
async function retainedConfigs(url: string, filter: string): Promise<string[]> {
  const probe = await Collector.connect(url, filter, 4);
  const marker = await mqtt.connectAsync(url, { protocolVersion: 4 });
  // A message after the retained ones: once it arrived, every retained one has.
  await marker.publishAsync(`${filter.replace('#', '')}zz-marker/config`, 'end', { qos: 1 });
  await waitUntil(() => probe.messages.some((message) => message.topic.endsWith('zz-marker/config')));
  await Promise.all([probe.close(), marker.endAsync()]);
  return probe.messages.filter((message) => message.retain && message.payload.length > 0).map((message) => message.topic).sort();
}

describe('the Home Assistant publisher on a broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });
  afterAll(() => broker.close());

  it('removes the entities a reload drops, moves them with the prefix, and all of them without the section', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 5, 1));
    const uplink = new MqttUplink({ url: broker.url, clientId: 'bench', keepaliveSeconds: 30, protocol: '3.1.1', will: { topic: 'fieldnode/lab/bench/status', payload: () => Buffer.from('{}'), delaySeconds: 0 }, reconnect: { initialDelayMs: 1000, maxDelayMs: 1000 }, clock, logger: silentLogger });
    const full = config([station, dust, gate]);
    const publisher = new HomeAssistantPublisher({ uplink, address: ADDRESS, boards: full.boards, settings: full.homeassistant!, version: '1.0.0', clock, logger: silentLogger, random: () => 0.5 });
    const detach = publisher.attach();
    // As the session does: births, then discovery, at each connection.
    uplink.onConnect(() => publisher.announce());
    const live = await Collector.connect(broker.url, '+/+/bench/#', 4);
    try {
      await uplink.start();
      await waitUntil(() => live.messages.length === 5, 10_000, () => `${live.messages.length} configs`);
      expect(await retainedConfigs(broker.url, 'homeassistant/#')).toEqual([
        'homeassistant/binary_sensor/bench/gate_door/config',
        'homeassistant/binary_sensor/bench/status/config',
        'homeassistant/sensor/bench/dust_pm2_5/config',
        'homeassistant/sensor/bench/station_humidity/config',
        'homeassistant/sensor/bench/station_temperature/config',
      ]);

      // A reload without the dust board and the door.
      const fewer = config([station]);
      publisher.reconfigure(fewer.boards, fewer.homeassistant!);
      await waitUntil(() => live.messages.filter((message) => message.payload.length === 0).length === 2);
      expect(await retainedConfigs(broker.url, 'homeassistant/#')).toEqual([
        'homeassistant/binary_sensor/bench/status/config',
        'homeassistant/sensor/bench/station_humidity/config',
        'homeassistant/sensor/bench/station_temperature/config',
      ]);

      // A new prefix: everything moves, and Home Assistant is listened to there.
      publisher.reconfigure(fewer.boards, { discoveryPrefix: 'ha' });
      expect(await retainedConfigs(broker.url, 'homeassistant/#')).toEqual([]);
      expect(await retainedConfigs(broker.url, 'ha/#')).toEqual(['ha/binary_sensor/bench/status/config', 'ha/sensor/bench/station_humidity/config', 'ha/sensor/bench/station_temperature/config']);
      const before = live.messages.length;
      const homeAssistant = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
      await homeAssistant.publishAsync('homeassistant/status', 'online', { qos: 1 });
      await homeAssistant.publishAsync('ha/status', 'online', { qos: 1 });
      await homeAssistant.endAsync();
      await new Promise((resolve) => setTimeout(resolve, 200));
      clock.advance(RESEND_MIN_MS + RESEND_SPREAD_MS / 2);
      await waitUntil(() => live.messages.length >= before + 3, 10_000, () => `${live.messages.length - before} resent`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Once: the old prefix's announcement is not listened to any more.
      expect(live.messages.slice(before).map((message) => message.topic).filter((topic) => topic.endsWith('/config'))).toHaveLength(3);

      // A batch reaches the state topic; then a reload without the section leaves nothing for Home Assistant.
      publisher.readings('station', [{ name: 'temperature', value: 21.25, unit: 'Cel', time: clock.now() }]);
      await waitUntil(() => live.messages.some((message) => message.topic === 'fieldnode/lab/bench/station/state'));
      expect(JSON.parse(live.messages.find((message) => message.topic === 'fieldnode/lab/bench/station/state')!.payload.toString())).toEqual({ temperature: 21.25, time: new Date(clock.now()).toISOString() });
      publisher.reconfigure(fewer.boards, undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await retainedConfigs(broker.url, 'ha/#')).toEqual([]);

      // Without the section, or detached, a batch publishes nothing.
      const withoutSection = live.messages.length;
      publisher.readings('station', [{ name: 'temperature', value: 21.5, unit: 'Cel', time: clock.now() }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(live.messages.length).toBe(withoutSection);
      publisher.reconfigure(fewer.boards, { discoveryPrefix: 'ha' });
      await waitUntil(() => live.messages.length === withoutSection + 3, 10_000, () => 'discovery again with the section back');
      detach();
      const afterDetach = live.messages.length;
      publisher.readings('station', [{ name: 'temperature', value: 22, unit: 'Cel', time: clock.now() }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(live.messages.length).toBe(afterDetach);
    } finally {
      detach();
      await uplink.stop();
      await live.close();
    }
  });
});
