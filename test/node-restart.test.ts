/**
 * A node started, stopped and started again in one process: each run's session, and only
 * that one, follows the boards, so a restarted node never calls the session of a stopped run.
 */
import { describe, expect, it } from 'vitest';
import { Listeners } from '../src/core/listeners.js';
import { startEmbeddedBroker } from '../src/uplink/embedded-broker.js';
import { weatherStationConfig } from './e2e/support.js';
import { Collector, waitUntil } from './support/collector.js';
import { memoryLogger } from './support/memory-logger.js';
import { simulatedNode } from './support/simulated-node.js';

describe('listeners', () => {
  it('returns an unsubscribe per subscription, harmless to call twice, and counts what listens', () => {
    const listeners = new Listeners<[number]>();
    const seen: string[] = [];
    const record = (value: number) => seen.push(`a${value}`);
    const first = listeners.add(record);
    const second = listeners.add(record);
    listeners.add((value) => seen.push(`b${value}`));
    listeners.emit(1);
    first();
    first();
    listeners.emit(2);
    second();
    listeners.emit(3);
    expect(seen).toEqual(['a1', 'a1', 'b1', 'a2', 'b2', 'b3']);
    expect(listeners.size).toBe(1);
  });
});

describe('a node started three times in one process', () => {
  it("publishes each run's board status from that run alone, and logs no failure of a stopped session", async () => {
    const broker = await startEmbeddedBroker();
    const collector = await Collector.connect(broker.url, 'fieldnode/test-site/restart-node/station/status', 4);
    const logger = memoryLogger();
    const node = simulatedNode(weatherStationConfig({ brokerUrl: broker.url, protocol: '3.1.1', nodeId: 'restart-node', board: { simulator: { device: 'weather-station', intervalMs: 20 } } }), { logger });
    try {
      for (let run = 1; run <= 3; run++) {
        await node.start();
        await waitUntil(() => collector.messages.some((message) => JSON.parse(message.payload.toString()).boot === run));
        await node.stop();
      }
      await waitUntil(() => collector.messages.filter((message) => JSON.parse(message.payload.toString()).boot === 3).length >= 2);
      const statuses = collector.messages.map((message) => JSON.parse(message.payload.toString()) as { state: string; boot: number });
      // Each run: online when its board opened, offline when it stopped; nothing from another run's session in between.
      expect(statuses.filter((status) => status.boot >= 1).map((status) => `${status.boot}:${status.state}`)).toEqual(['1:online', '1:offline', '2:online', '2:offline', '3:online', '3:offline']);
      // The one warning allowed: a machine that cannot tell whether NTP synchronised its clock says so at each start.
      expect(logger.entries.filter((entry) => (entry.level === 'error' || entry.level === 'warn') && !entry.message.startsWith('cannot tell whether the clock is synchronised'))).toEqual([]);
    } finally {
      await node.stop();
      await collector.close();
      await broker.close();
    }
  });
});
