/**
 * The node process killed with SIGKILL again and again during an outage: whatever reached
 * the outbox (read straight from its SQLite file after each kill) is delivered once the
 * broker is back. What a kill can lose is what had not reached the outbox yet: the readings
 * of the batching window and the packs of the current turn of the event loop.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { decodeMessage } from '../../src/codec/index.js';
import { FieldnodeConsumer, type ConsumedPack } from '../../src/consumer/consumer.js';
import { describeWithBinary } from '../support/binaries.js';
import { writeStationConfig } from '../support/config-file.js';
import { RunningCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { startMosquitto } from '../support/mosquitto.js';

interface StoredSnapshot {
  readonly key: string;
  readonly values: unknown[];
}

function snapshotOutbox(path: string): StoredSnapshot[] {
  const db = new Database(path);
  const rows = db.prepare('SELECT boot, seq, payload FROM packs ORDER BY id').all() as { boot: number; seq: number; payload: Buffer }[];
  db.close();
  return rows.map((row) => ({ key: `${row.boot}/${row.seq}`, values: decodeMessage(row.payload).records.map((record) => record.value) }));
}

describeWithBinary('mosquitto', 'mosquitto', 'node killed during an outage', () => {
  it('delivers everything that reached the outbox, across three SIGKILLs', async () => {
    const broker = await startMosquitto({ persistence: true });
    await broker.stop();
    const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-kill-'));
    const config = join(dataDir, 'node.yaml');
    writeStationConfig(config, { nodeId: 'kill-node', dataDir, brokerUrl: broker.url, intervalMs: 5, maxReadings: 8, keys: ['t', 'p'] });
    const outbox = join(dataDir, 'kill-node', 'outbox.db');
    const seen = new Map<string, unknown[]>();
    for (let run = 1; run <= 3; run++) {
      const node = new RunningCli(['run', config, '--log-format', 'json']);
      await node.waitForStderr(new RegExp(`"boot":${run}`));
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await node.signal('SIGKILL')).toBe(-1);
      for (const pack of snapshotOutbox(outbox)) seen.set(pack.key, pack.values);
    }
    const boots = new Set([...seen.keys()].map((key) => key.split('/')[0]));
    expect(boots).toEqual(new Set(['1', '2', '3']));
    expect(seen.size).toBeGreaterThan(30); // each run stored packs before it was killed

    await broker.start();
    const packs: ConsumedPack[] = [];
    const consumer = await FieldnodeConsumer.connect(broker.url, { clientId: 'kill-consumer', sessionExpirySeconds: 600, onPack: (pack) => packs.push(pack) });
    const last = new RunningCli(['run', config, '--log-format', 'json']);
    const delivered = () => new Map(packs.map((pack) => [`${pack.boot}/${pack.seq}`, pack.records.map((record) => record.value)]));
    await waitUntil(() => [...seen.keys()].every((key) => delivered().has(key)), 30_000, () => `${[...seen.keys()].filter((key) => !delivered().has(key)).length} of ${seen.size} stored packs`);
    expect(await last.signal('SIGINT')).toBe(0);
    await consumer.close();
    await broker.close();
    const got = delivered();
    for (const [key, values] of seen) expect(got.get(key), key).toEqual(values);
    expect(packs.filter((pack) => pack.boot < 4).every((pack) => pack.historical)).toBe(true);
  });
});
