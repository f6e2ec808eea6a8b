/**
 * Two consumers in one MQTT 5 shared subscription group on mosquitto, each with its own
 * connection to one SQLite seen store (as two processes would open it): every pack reaches
 * the application once across both, even when a node sends each pack twice (a resend after
 * an outage) and the broker hands the two copies to different consumers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { FieldnodeConsumer, type ConsumedPack } from '../../src/consumer/consumer.js';
import { MemorySeenStore, type SeenStore } from '../../src/consumer/seen-store.js';
import { SqliteSeenStore } from '../../src/consumer/sqlite-seen-store.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

const NODES = ['n1', 'n2', 'n3'];
const PACKS_PER_NODE = 40;
const BOOT = 1_780_000_000;

/** Publishes every pack of every node twice in a row, as a node resending its backlog would. */
async function publishEachTwice(url: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: 'resending-node' });
  for (let seq = 1; seq <= PACKS_PER_NODE; seq++) {
    for (const node of NODES) {
      const payload = encodePack([{ name: 'level', unit: 'm', value: seq / 10, time: Date.UTC(2026, 0, 1) + seq * 1000 }], `${node}/gauge/`, { boot: BOOT, seq });
      for (let copy = 0; copy < 2; copy++) await client.publishAsync(`fieldnode/site/${node}/gauge/data`, payload, { qos: 1 });
    }
  }
  await client.endAsync();
}

/** Runs two consumers of one group with these stores; returns what each delivered. */
async function twoConsumersOfOneGroup(url: string, group: string, stores: [SeenStore, SeenStore]): Promise<{ delivered: [ConsumedPack[], ConsumedPack[]]; handled: number[]; duplicates: number }> {
  const delivered: [ConsumedPack[], ConsumedPack[]] = [[], []];
  const consumers = await Promise.all(
    stores.map((seen, index) => FieldnodeConsumer.connect(url, { clientId: `${group}-${index}`, shared: { group, seen }, onPack: (pack) => delivered[index as 0 | 1].push(pack) })),
  );
  await publishEachTwice(url);
  const total = NODES.length * PACKS_PER_NODE * 2;
  await waitUntil(() => consumers.reduce((sum, consumer) => sum + consumer.stats.packs + consumer.stats.duplicates, 0) === total, 10_000, () => 'every copy handled');
  await Promise.all(consumers.map((consumer) => consumer.close()));
  return { delivered, handled: consumers.map((consumer) => consumer.stats.packs + consumer.stats.duplicates), duplicates: consumers.reduce((sum, consumer) => sum + consumer.stats.duplicates, 0) };
}

const identity = (pack: ConsumedPack) => `${pack.node}/${pack.boot}/${pack.seq}`;

describeWithBinary('mosquitto', 'mosquitto', 'consumers in a shared subscription group', () => {
  let broker: MosquittoBroker;
  let directory: string;
  beforeAll(async () => {
    broker = await startMosquitto();
    directory = mkdtempSync(join(tmpdir(), 'fieldnode-seen-'));
  });
  afterAll(async () => {
    await broker.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('deliver each pack once across both consumers, the copies of a resend going to either', async () => {
    const path = join(directory, 'seen.db');
    const stores: [SeenStore, SeenStore] = [new SqliteSeenStore(path), new SqliteSeenStore(path)];
    const { delivered, handled, duplicates } = await twoConsumersOfOneGroup(broker.url, 'analytics', stores);
    stores.forEach((store) => store.close());
    const all = [...delivered[0], ...delivered[1]].map(identity);
    expect(all.sort()).toEqual(NODES.flatMap((node) => Array.from({ length: PACKS_PER_NODE }, (_, index) => `${node}/${BOOT}/${index + 1}`)).sort());
    expect(duplicates).toBe(NODES.length * PACKS_PER_NODE);
    // The broker shared the copies between both consumers (mosquitto in turns, so the two
    // copies of a pack went to different ones), and the store kept each pack to one of them.
    expect(handled[0]).toBeGreaterThan(0);
    expect(handled[1]).toBeGreaterThan(0);
  });

  it('deliver a resent pack twice when each consumer only remembers what it saw itself', async () => {
    // The store is what makes the group exactly once: one per consumer does not.
    const { delivered } = await twoConsumersOfOneGroup(broker.url, 'unshared', [new MemorySeenStore(), new MemorySeenStore()]);
    const all = [...delivered[0], ...delivered[1]].map(identity);
    expect(all.length).toBeGreaterThan(new Set(all).size);
  });
});
