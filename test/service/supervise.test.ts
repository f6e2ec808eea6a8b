/** The watchdog wired to a real node: what it samples, what it sends, and nothing outside systemd. */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { sampleNode, superviseWithSystemd } from '../../src/service/supervise.js';
import { startEmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { weatherStationConfig } from '../e2e/support.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import { simulatedNode } from '../support/simulated-node.js';

const WATCHDOG = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '2000000' };

describe('superviseWithSystemd', () => {
  it('does nothing outside systemd', () => {
    const sent: string[][] = [];
    const clock = new VirtualClock();
    const node = simulatedNode(weatherStationConfig({ brokerUrl: 'mqtt://127.0.0.1:1', nodeId: 'free', board: { simulator: { device: 'weather-station' } } }));
    superviseWithSystemd(node, memoryLogger(), { environment: {}, clock, notifier: { send: (...message) => sent.push(message) } })();
    expect(sent).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("says READY with a status, then pings while the node's readings reach the broker", async () => {
    const broker = await startEmbeddedBroker();
    const node = simulatedNode(weatherStationConfig({ brokerUrl: broker.url, protocol: '3.1.1', nodeId: 'supervised', maxReadings: 1, board: { simulator: { device: 'weather-station', intervalMs: 20 } } }));
    const sent: string[][] = [];
    const clock = new VirtualClock();
    try {
      await node.start();
      const stop = superviseWithSystemd(node, memoryLogger(), { environment: WATCHDOG, clock, notifier: { send: (...message) => sent.push(message) } });
      expect(sent[0]?.[0]).toBe('READY=1');
      expect(sent[0]?.[1]).toMatch(/^STATUS=node supervised: 0\/1 board\(s\) reporting, \d+ readings/);
      await waitUntil(() => node.stats().forwarder.packsAcked >= 3, 10_000, () => JSON.stringify(node.stats()));
      const sample = sampleNode(node);
      expect(sample.connected).toBe(true);
      expect(sample.readings).toBeGreaterThanOrEqual(3);
      expect(sample.forwarded).toBeGreaterThanOrEqual(sample.readings);
      clock.advance(1_000);
      expect(sent[1]?.[0]).toBe('WATCHDOG=1');
      expect(sent[1]?.[1]).toMatch(/^STATUS=node supervised: 1\/1 board\(s\) reporting, \d+ readings, backlog \d+ pack\(s\), broker connected$/);
      stop();
      clock.advance(10_000);
      expect(sent).toHaveLength(2);
    } finally {
      await node.stop();
      await broker.close();
    }
  });
});
