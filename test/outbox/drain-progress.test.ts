/**
 * A backlog draining after an outage says how it goes: what is left, the rate and the time
 * to go, at most every few seconds of virtual time, and one line when it is empty; the node
 * status carries the same figures while it lasts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { DRAIN_LOG_INTERVAL_MS } from '../../src/outbox/drain-progress.js';
import { Forwarder } from '../../src/outbox/forwarder.js';
import { openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';
import type { MqttUplink, OutgoingMessage } from '../../src/uplink/mqtt-uplink.js';
import { Session } from '../../src/uplink/session.js';
import { weatherStationConfig } from '../e2e/support.js';
import { memoryLogger } from '../support/memory-logger.js';
import { bounds, FakeUplink, tick } from './forwarder-harness.js';

const RATE = 100;

/** A forwarder whose backlog drains at RATE readings a second, on virtual time. */
function drainingForwarder() {
  const clock = new VirtualClock(Date.UTC(2026, 1, 1));
  const uplink = new FakeUplink();
  const logger = memoryLogger();
  const outbox = openSqliteOutbox(join(mkdtempSync(join(tmpdir(), 'fieldnode-drain-')), 'o.db'), bounds);
  const forwarder = new Forwarder({ outbox, uplink, clock, logger, boot: 3, maxInFlight: 4, drainReadingsPerSecond: RATE, syncDelayMs: 250, stopTimeoutMs: 50 });
  const submit = (packs: number) => {
    // Real packs: the backlog goes out re-encoded as historical.
    const readings = [0, 1].map((offset) => ({ name: 't', value: 21.5, unit: 'Cel', time: clock.now() + offset }));
    for (let index = 0; index < packs; index++) forwarder.submit('n/b/data', 2, (session) => encodePack(readings, 'n/b/', session));
  };
  /** Acknowledges what was sent, in steps of `stepMs`, until the outbox is empty or `limitMs` passed. */
  const drain = async (stepMs: number, limitMs: number, during?: () => void) => {
    for (let elapsed = 0; elapsed < limitMs && outbox.totals().packs > 0; elapsed += stepMs) {
      for (const entry of uplink.sent.splice(0)) entry.done();
      await tick();
      during?.();
      clock.advance(stepMs);
      await tick();
    }
    for (const entry of uplink.sent.splice(0)) entry.done();
    await tick();
  };
  const lines = (pattern: RegExp) => logger.entries.filter((entry) => pattern.test(entry.message));
  return { clock, uplink, logger, outbox, forwarder, submit, drain, lines };
}

describe('drain progress', () => {
  it('logs what is left, the rate and the time to go every few seconds, then one line when the backlog is empty', async () => {
    const { uplink, forwarder, outbox, submit, drain, lines } = drainingForwarder();
    uplink.disconnect();
    await forwarder.start();
    submit(1000); // 2000 readings made during the outage: 20 s at 100 readings/s
    await tick();
    expect(outbox.totals()).toMatchObject({ packs: 1000, readings: 2000 });
    uplink.reconnect();
    await drain(50, 60_000);

    expect(outbox.totals().packs).toBe(0);
    expect(lines(/^draining the backlog/).map((entry) => entry.message)).toEqual(['draining the backlog: 1000 packs, 2000 readings']);
    const progress = lines(/^backlog: /).map((entry) => entry.fields as { packs: number; readings: number; readingsPerSecond: number; etaSeconds: number });
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(20_000 / DRAIN_LOG_INTERVAL_MS);
    for (const [index, line] of progress.entries()) {
      if (index > 0) {
        expect(line.readings).toBeLessThan(progress[index - 1]!.readings);
        expect(line.packs).toBeLessThan(progress[index - 1]!.packs);
      }
      // The rate is the drain limit's, and the time to go is what is left at that rate.
      expect(line.readingsPerSecond).toBeGreaterThan(RATE * 0.8);
      expect(line.readingsPerSecond).toBeLessThan(RATE * 1.2);
      expect(line.etaSeconds).toBeGreaterThanOrEqual(Math.floor((line.readings / RATE) * 0.8));
      expect(line.etaSeconds).toBeLessThanOrEqual(Math.ceil((line.readings / RATE) * 1.2) + 1);
    }
    expect(lines(/^backlog: /)[0]!.message).toMatch(/^backlog: \d+ packs, \d+ readings left, [\d.]+ readings\/s, about \d+ s to go$/);
    const drained = lines(/^backlog drained/);
    expect(drained).toHaveLength(1);
    expect(drained[0]!.message).toMatch(/^backlog drained: 2000 readings in (19|20|21)(\.\d)? s$/);
    expect(forwarder.progress.status()).toBeUndefined();
    await forwarder.stop();
  });

  it('logs nothing about a backlog when there is none: live packs are sent as they come', async () => {
    const { forwarder, submit, drain, lines, logger } = drainingForwarder();
    await forwarder.start();
    for (let round = 0; round < 20; round++) {
      submit(2);
      await drain(500, 500);
    }
    expect(forwarder.stats.readingsAcked).toBe(80);
    expect(lines(/backlog/)).toEqual([]);
    expect(logger.entries.filter((entry) => entry.level !== 'debug')).toEqual([]);
    await forwarder.stop();
  });

  it('puts the drain in the node status while it lasts, and leaves it out afterwards', async () => {
    const { clock, uplink, forwarder, outbox, submit, drain } = drainingForwarder();
    const published: OutgoingMessage[] = [];
    const sessionUplink = {
      isConnected: true,
      onConnect: () => () => undefined,
      subscribe: () => undefined,
      publish: (message: OutgoingMessage) => void published.push(message),
    } as unknown as MqttUplink;
    const config = weatherStationConfig({ brokerUrl: 'mqtt://127.0.0.1:1', nodeId: 'drain-node', board: { simulator: { device: 'weather-station' } } });
    const session = new Session({
      uplink: sessionUplink,
      config,
      address: { prefix: 'fieldnode', site: 'test-site', node: 'drain-node' },
      boot: 3,
      version: 'test',
      clock,
      logger: memoryLogger(),
      counters: () => ({ outbox: forwarder.backlogTotals(), held: forwarder.heldTotals(), dropped: forwarder.stats.dropped, problems: {}, drain: forwarder.progress.status() }),
    });
    const statuses = () => published.filter((message) => message.topic.endsWith('/status') && !message.topic.includes('/dev/')).map((message) => JSON.parse(message.payload.toString()) as Record<string, unknown>);
    uplink.disconnect();
    await forwarder.start();
    submit(500);
    await tick();
    uplink.reconnect();
    let sentDuringDrain = false;
    await drain(50, 60_000, () => {
      if (!sentDuringDrain && clock.monotonic() >= 3000) {
        sentDuringDrain = true;
        session.publishStatus();
      }
    });
    session.publishStatus();

    const [during, after] = statuses();
    const drainField = during!['drain'] as { packs: number; readings: number; readingsPerSecond: number; etaSeconds: number };
    expect(drainField.readings).toBeGreaterThan(0);
    expect(drainField.readings).toBeLessThan(1000);
    expect(drainField.packs).toBeGreaterThan(0);
    expect(drainField.readingsPerSecond).toBeGreaterThan(RATE * 0.8);
    expect(drainField.etaSeconds).toBeGreaterThan(0);
    expect(outbox.totals().packs).toBe(0);
    expect(after).not.toHaveProperty('drain');
    await forwarder.stop();
  });
});
