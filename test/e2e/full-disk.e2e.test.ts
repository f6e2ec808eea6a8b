/**
 * A full data partition during an outage, on a real 2 MiB tmpfs with a real mosquitto: the
 * node fills the disk at a high reading rate while the broker is away; the outbox counters
 * stay equal to the rows on disk; live packs reach the broker again as soon as it is back,
 * although the disk is still full; and once space is freed, a later outage is stored and
 * delivered in full, without a restart.
 */
import { rmSync, statSync } from 'node:fs';
import mqtt from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { decodeMessage } from '../../src/codec/index.js';
import { outboxPath } from '../../src/node.js';
import { WAL_SIZE_LIMIT_BYTES } from '../../src/outbox/sqlite-outbox.js';
import type { WeatherStation } from '../../simulators/devices/weather-station.js';
import { findBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';
import { describeNeeding } from '../support/needs.js';
import { simulatedNode } from '../support/simulated-node.js';
import { outboxRowsOnDisk } from '../support/outbox-rows.js';
import { canMountSmallDisk, mountSmallDisk, type SmallDisk } from '../outbox/small-disk.js';
import { weatherStationConfig } from './support.js';

/** What the node says its outbox holds: packs waiting, and acknowledged ones whose rows the next write removes. */
function onDisk(node: ReturnType<typeof simulatedNode>): { packs: number; readings: number; bytes: number } {
  const waiting = node.forwarder!.backlogTotals();
  const acknowledged = node.forwarder!.acknowledgedTotals();
  return { packs: waiting.packs + acknowledged.packs, readings: waiting.readings + acknowledged.readings, bytes: waiting.bytes + acknowledged.bytes };
}

interface Arrival {
  readonly key: string;
  readonly historical: boolean;
  readonly readings: number;
  readonly at: number;
  /** Sent again by the broker to this subscriber (its own PUBACK was lost), not by the node. */
  readonly redelivered: boolean;
}

const smallDisk = canMountSmallDisk();
const needs = !findBinary('mosquitto') ? { available: false, reason: 'mosquitto is not installed (apt-get install mosquitto)' } : smallDisk;

describeNeeding(needs.available, 'a tmpfs mount and mosquitto', needs.reason, 'store and forward on a full disk', () => {
  let broker: MosquittoBroker | undefined;
  let disk: SmallDisk | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
    disk?.unmount();
    disk = undefined;
  });

  it('keeps live data flowing and counters true while the disk is full, and stores a later outage once space returns', async () => {
    disk = mountSmallDisk(2 * 1024 * 1024);
    broker = await startMosquitto({ persistence: true });
    const arrivals: Arrival[] = [];
    const subscriber = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clean: false, clientId: 'full-disk-reader', properties: { sessionExpiryInterval: 600 } });
    subscriber.on('message', (_topic, payload, packet) => {
      const message = decodeMessage(payload);
      arrivals.push({ key: `${message.session?.boot}/${message.session?.seq}`, historical: message.historical, readings: message.records.length, at: Date.now(), redelivered: packet.dup });
    });
    await subscriber.subscribeAsync('fieldnode/test-site/full-disk/+/data', { qos: 1 });
    const logger = memoryLogger();
    const config = weatherStationConfig({
      brokerUrl: broker.url,
      nodeId: 'full-disk',
      dataDir: disk.directory,
      maxReadings: 8,
      maxDelayMs: 50,
      board: { simulator: { device: 'weather-station', seed: 5, intervalMs: 2 } },
      broker: { reconnect: { initialDelayMs: 100, maxDelayMs: 400 } },
    });
    const node = simulatedNode(config, { logger });
    await node.start();
    const path = outboxPath(config);
    const station = node.simulatedDevice('station') as WeatherStation;
    let emitted = 0;
    station.onSample(() => emitted++);
    const forwarder = () => node.stats().forwarder;
    await waitUntil(() => forwarder().readingsAcked > 200);

    // The outage: the broker goes away and the node fills what is left of the disk.
    const filler = disk.fill(256 * 1024);
    await broker.stop();
    const writeFailures = () => logger.entries.filter((entry) => entry.message.startsWith('cannot write to the outbox'));
    await waitUntil(() => writeFailures().length > 0, 30_000, () => `the disk to fill (${disk!.free()} bytes free)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(writeFailures()[0]!.fields).toMatchObject({ cause: 'SQLITE_FULL' });
    expect(onDisk(node)).toEqual(outboxRowsOnDisk(path));
    const walBytes = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    expect(walBytes).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES + 64 * 1024);

    // The broker is back; the disk is still full: live packs flow from memory.
    const backAt = Date.now();
    await broker.start();
    await waitUntil(() => node.uplink?.isConnected ?? false, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const liveWhileFull = arrivals.filter((arrival) => arrival.at >= backAt && !arrival.historical).length;
    expect(disk.free()).toBeLessThan(64 * 1024);
    expect(liveWhileFull).toBeGreaterThan(20);
    expect(onDisk(node)).toEqual(outboxRowsOnDisk(path));

    // Space returns: the outbox works again without a restart.
    rmSync(filler);
    await waitUntil(() => logger.entries.some((entry) => entry.message.startsWith('the outbox is writable again')), 10_000);
    // Drained down to the live packs awaiting their acknowledgement (readings keep coming).
    await waitUntil(() => node.forwarder!.backlogTotals().packs < 20, 30_000, () => `the backlog to drain (${node.forwarder!.backlogTotals().packs} packs)`);
    const droppedBefore = structuredClone(forwarder().dropped);

    // A later, ordinary outage is stored on disk and delivered in full.
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const stored = node.forwarder!.backlogTotals();
    expect(stored.readings).toBeGreaterThan(1000);
    expect(onDisk(node)).toEqual(outboxRowsOnDisk(path));
    await broker.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    station.stop();
    await waitUntil(() => node.stats().boards['station']!.readings === emitted * 4);
    await node.stop();
    const dropped = Object.values(forwarder().dropped).reduce((sum, cause) => sum + cause.readings, 0);
    const deliveredSoFar = () => [...new Map(arrivals.map((arrival) => [arrival.key, arrival.readings])).values()].reduce((sum, readings) => sum + readings, 0);
    await waitUntil(() => deliveredSoFar() + dropped >= emitted * 4, 20_000, () => `${deliveredSoFar()} delivered and ${dropped} dropped of ${emitted * 4} readings`);
    await subscriber.endAsync();

    expect(forwarder().dropped).toEqual(droppedBefore);
    const unique = new Map<string, Arrival>();
    const lateUnmarked: string[] = [];
    for (const arrival of arrivals) {
      if (unique.has(arrival.key) && !arrival.historical && !arrival.redelivered) lateUnmarked.push(arrival.key);
      if (!unique.has(arrival.key)) unique.set(arrival.key, arrival);
    }
    const delivered = [...unique.values()].reduce((sum, arrival) => sum + arrival.readings, 0);
    // Every reading is either delivered or counted as dropped, once.
    expect(delivered + dropped).toBe(emitted * 4);
    expect(forwarder().readingsSubmitted).toBe(emitted * 4);
    // A copy that arrives after the first always says it is late.
    expect(lateUnmarked).toEqual([]);
    // One line when writes started failing, not one per retry.
    expect(writeFailures()).toHaveLength(1);
  }, 120_000);
});
