/**
 * A gateway without a real-time clock, through a real broker (embedded aedes over TCP): it
 * boots in 1970, holds its readings until the clock is trusted (NTP, or the broker side's
 * time message), and a separate subscriber decodes every reading at its true time.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { SOURCE_BUILD_DATE_MS, type ClockReport } from '../../src/core/trusted-time.js';
import type { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import type { EmittedSample, WeatherStation } from '../../simulators/devices/weather-station.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode } from '../support/simulated-node.js';
import { fakeProbe, settle } from '../time/harness.js';
import { expectSameReadings, weatherStationConfig } from './support.js';

const BOOTED_AT = 20_000; // 1970-01-01T00:00:20Z
const TRUE_BOOT = Date.UTC(2026, 10, 21, 6, 0, 0);

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

/** The node's clock report, as its status carries it. */
function clockOf(node: FieldNode): ClockReport {
  return (node as unknown as { time: { status(): ClockReport } }).time.status();
}

async function advanceSeconds(clock: VirtualClock, seconds: number): Promise<void> {
  for (let second = 0; second < seconds; second++) {
    clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
    await settle();
  }
}

describe('a node that boots without a clock', () => {
  it('sends nothing before NTP synchronises, then every reading at its true time', async () => {
    const nodeId = 'rtc-less';
    const clock = new VirtualClock(BOOTED_AT);
    const probe = fakeProbe('unsynchronised');
    const collector = await Collector.connect(broker.url, `fieldnode/test-site/${nodeId}/station/data`, 4);
    const session = await Collector.connect(broker.url, `fieldnode/test-site/${nodeId}/#`, 4);
    const node = simulatedNode(weatherStationConfig({ brokerUrl: broker.url, nodeId, protocol: '3.1.1', maxReadings: 40, maxDelayMs: 5000, board: { simulator: { device: 'weather-station', seed: 3, intervalMs: 1000 } } }), { clock, ntpProbe: probe });
    await node.start();
    await waitUntil(() => node.uplink?.isConnected ?? false);
    const emitted: EmittedSample[] = [];
    (node.simulatedDevice('station') as WeatherStation).onSample((sample) => emitted.push(sample));
    await advanceSeconds(clock, 45);
    expect(node.stats().forwarder.packsSubmitted).toBe(0);
    expect(clockOf(node)).toMatchObject({ trusted: false, ntp: 'unsynchronised' });
    // NTP steps the clock to the true time; the node learns it at its next look.
    clock.jumpWallClock(TRUE_BOOT + clock.monotonic());
    probe.state = 'synchronised';
    await advanceSeconds(clock, 35);
    await waitUntil(() => node.stats().boards['station']!.readings === emitted.length * 4);
    await node.stop();
    const records = await collector.waitForRecords(emitted.length * 4);
    await collector.close();
    expect(emitted).toHaveLength(80);
    expectSameReadings(nodeId, emitted, records);
    // The station stamps lines with the machine clock; the true time is its monotonic time since boot on top of TRUE_BOOT.
    const trueTimes = emitted.map((entry) => (entry.time < TRUE_BOOT ? entry.time - BOOTED_AT : entry.time - TRUE_BOOT) + TRUE_BOOT);
    expect(records.filter((_, index) => index % 4 === 0).map((record) => Math.round(record.time * 1000))).toEqual(trueTimes);
    expect(clockOf(node)).toMatchObject({ trusted: true, source: 'ntp', held: 0 });
    // The status tells whether the clock is trusted; no birth or status carries a time before the build date.
    await session.close();
    const jsonMessages = session.messages.filter((message) => !message.topic.endsWith('/data')).map((message) => JSON.parse(message.payload.toString()) as { time: string; state?: string; clock?: { trusted: boolean; source?: string; held: number } });
    const statuses = jsonMessages.filter((message) => message.clock !== undefined);
    expect(statuses[0]?.clock).toMatchObject({ trusted: false });
    expect(statuses.at(-1)?.clock).toMatchObject({ trusted: true, source: 'ntp', held: 0 });
    expect(jsonMessages.length).toBeGreaterThan(3);
    expect(jsonMessages.every((message) => Date.parse(message.time) >= SOURCE_BUILD_DATE_MS)).toBe(true);
  });

  it('ignores a retained time message and malformed ones, and takes a live one from the broker side', async () => {
    const nodeId = 'broker-timed';
    const clock = new VirtualClock(BOOTED_AT);
    const publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    // A stale time left retained on the topic: a node must not take it.
    await publisher.publishAsync('fieldnode/time', JSON.stringify({ time: new Date(TRUE_BOOT - 86_400_000).toISOString() }), { qos: 1, retain: true });
    const collector = await Collector.connect(broker.url, `fieldnode/test-site/${nodeId}/station/data`, 4);
    const node = simulatedNode(weatherStationConfig({ brokerUrl: broker.url, nodeId, protocol: '3.1.1', maxReadings: 40, maxDelayMs: 5000, board: { simulator: { device: 'weather-station', seed: 4, intervalMs: 1000 } } }), {
      clock,
      ntpProbe: fakeProbe('unsynchronised'),
    });
    try {
      await node.start();
      await waitUntil(() => clockOf(node).problems['time-message-retained'] === 1);
      const emitted: EmittedSample[] = [];
      (node.simulatedDevice('station') as WeatherStation).onSample((sample) => emitted.push(sample));
      await advanceSeconds(clock, 20);
      for (const bad of ['yesterday', JSON.stringify({ time: '2026-11-21 06:00' }), JSON.stringify({ time: '1999-01-01T00:00:00Z' }), 'x'.repeat(1000)]) {
        await publisher.publishAsync('fieldnode/time', bad, { qos: 1 });
      }
      await waitUntil(() => (clockOf(node).problems['time-message-malformed'] ?? 0) === 3 && clockOf(node).problems['time-message-before-build-date'] === 1);
      expect(clockOf(node).trusted).toBe(false);
      expect(node.stats().forwarder.packsSubmitted).toBe(0);
      // The broker side's time, live (not retained): monotonic time stands still while it travels.
      await publisher.publishAsync('fieldnode/time', JSON.stringify({ time: new Date(TRUE_BOOT + clock.monotonic()).toISOString() }), { qos: 1 });
      await waitUntil(() => clockOf(node).trusted);
      expect(clockOf(node)).toMatchObject({ source: 'broker' });
      await advanceSeconds(clock, 10);
      await waitUntil(() => node.stats().boards['station']!.readings === emitted.length * 4);
      await node.stop();
      const records = await collector.waitForRecords(emitted.length * 4);
      expectSameReadings(nodeId, emitted, records);
      expect(records.filter((_, index) => index % 4 === 0).map((record) => Math.round(record.time * 1000))).toEqual(emitted.map((entry) => entry.time - BOOTED_AT + TRUE_BOOT));
    } finally {
      await node.stop();
      await collector.close();
      await publisher.publishAsync('fieldnode/time', '', { qos: 1, retain: true });
      await publisher.endAsync();
    }
  });
});
