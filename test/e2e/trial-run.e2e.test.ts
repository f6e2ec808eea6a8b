/**
 * Trial runs (`run config --embedded-broker`, `run config --broker URL`) never touch the real
 * data: they keep their outbox in a temporary directory, so the real backlog is not handed to
 * a throwaway broker and stays byte for byte as it was, to be delivered by the real node
 * later. And a trial has its own client id, so it cannot push the real node off a broker.
 * Real processes, real mosquitto.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FieldnodeConsumer, type ConsumedPack } from '../../src/consumer/consumer.js';
import { describeWithBinary } from '../support/binaries.js';
import { writeStationConfig } from '../support/config-file.js';
import { RunningCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

/** Every file of a directory with its size, modification time and SHA-256: "not touched", checked. */
function fingerprint(directory: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(directory)
      .sort()
      .map((name) => {
        const path = join(directory, name);
        const { size, mtimeMs } = statSync(path);
        return [name, `${size} ${mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`];
      }),
  );
}

/** The (boot/seq) keys of the packs in an outbox, read without writing to it. */
function storedKeys(outbox: string): string[] {
  if (!existsSync(outbox)) return [];
  const db = new Database(outbox, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT boot, seq FROM packs ORDER BY id').all() as { boot: number; seq: number }[]).map((row) => `${row.boot}/${row.seq}`);
  } finally {
    db.close();
  }
}

const trialLine = /^fieldnode: trial run: outbox in a temporary directory \((.+), removed at exit\); the outbox in (.+) is not touched$/;

describeWithBinary('mosquitto', 'mosquitto', 'trial runs', () => {
  let broker: MosquittoBroker;
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-trial-e2e-'));
  const nodeDir = join(dataDir, 'trial-node');
  const outbox = join(nodeDir, 'outbox.db');
  const config = join(dataDir, 'node.yaml');

  beforeAll(async () => {
    broker = await startMosquitto();
    writeStationConfig(config, { nodeId: 'trial-node', dataDir, brokerUrl: broker.url, intervalMs: 10, maxReadings: 4, keys: ['t', 'p'] });
  });
  afterAll(() => broker?.close());

  /** Runs a trial until `ready`, checks its first line and that its directory is gone after Ctrl-C. */
  async function trial(args: string[], ready: (run: RunningCli) => Promise<void>): Promise<RunningCli> {
    const run = new RunningCli(['run', config, ...args, '--log-format', 'json']);
    await run.waitForStderr(/\n/);
    const match = trialLine.exec(run.stderr.split('\n')[0] ?? '');
    expect(match, run.stderr).not.toBeNull();
    const [, temporary, real] = match as unknown as [string, string, string];
    expect(real).toBe(nodeDir);
    await ready(run);
    expect(existsSync(join(temporary, 'trial-node', 'outbox.db'))).toBe(true);
    expect(await run.signal('SIGINT')).toBe(0);
    expect(existsSync(temporary)).toBe(false);
    return run;
  }

  it('leaves the real backlog byte for byte alone, and the real node delivers it afterwards, marked historical', async () => {
    // A backlog: the real node while its broker is away.
    await broker.stop();
    const real = new RunningCli(['run', config, '--log-format', 'json']);
    await real.waitForStderr(/"msg":"node started"/);
    await waitUntil(() => storedKeys(outbox).length >= 20, 10_000, () => `a backlog; stderr:\n${real.stderr}`);
    expect(await real.signal('SIGINT')).toBe(0);
    const backlog = storedKeys(outbox);
    const before = fingerprint(nodeDir);
    expect(Object.keys(before)).toContain('outbox.db');

    // On the embedded broker: readings in the tail, none of them from the backlog's boot.
    const embedded = await trial(['--embedded-broker'], (run) => run.waitForStdout((lines) => lines.length >= 10));
    expect(embedded.stderr).toContain('"boot":1,');
    expect(fingerprint(nodeDir)).toEqual(before);

    // On the real broker with --broker: the trial's own readings only, the backlog stays put.
    await broker.start();
    const seenByTrial: ConsumedPack[] = [];
    const trialConsumer = await FieldnodeConsumer.connect(broker.url, { onPack: (pack) => seenByTrial.push(pack) });
    const trialStart = Date.now() / 1000;
    await trial(['--broker', broker.url], () => waitUntil(() => seenByTrial.length >= 10, 10_000, () => 'packs of the trial'));
    await trialConsumer.close();
    // Both the backlog and the trial are a first boot, so boot and seq cannot tell them apart;
    // the readings' times can: the backlog was read before the trial began. (A trial's own
    // first packs may be marked historical when made before its connection was up.)
    const backlogTimes = seenByTrial.flatMap((pack) => pack.records.map((record) => record.time)).filter((time) => time < trialStart);
    expect(backlogTimes).toEqual([]);
    expect(fingerprint(nodeDir)).toEqual(before);

    // The real node, back on its broker: the whole backlog arrives, marked historical.
    const packs: ConsumedPack[] = [];
    const consumer = await FieldnodeConsumer.connect(broker.url, { onPack: (pack) => packs.push(pack) });
    const restarted = new RunningCli(['run', config, '--log-format', 'json']);
    const delivered = () => new Map(packs.map((pack) => [`${pack.boot}/${pack.seq}`, pack]));
    await waitUntil(() => backlog.every((key) => delivered().has(key)), 20_000, () => `${backlog.filter((key) => !delivered().has(key)).length} of ${backlog.length} backlog packs`);
    expect(await restarted.signal('SIGINT')).toBe(0);
    await consumer.close();
    expect(backlog.every((key) => delivered().get(key)?.historical === true)).toBe(true);
    expect(restarted.stderr).toContain('"boot":2,');
  });

  it('runs beside the real node on the same broker without pushing it off (its own client id)', async () => {
    const packs: ConsumedPack[] = [];
    const consumer = await FieldnodeConsumer.connect(broker.url, { onPack: (pack) => packs.push(pack) });
    const real = new RunningCli(['run', config, '--log-format', 'json']);
    await real.waitForStderr(/"msg":"connected to broker"/);
    await trial(['--broker', broker.url], async (run) => {
      await run.waitForStderr(/"msg":"connected to broker"/);
      const seen = packs.length;
      // Both publish meanwhile; with one client id the broker would drop one as the other connects.
      await waitUntil(() => packs.length >= seen + 20, 10_000, () => 'packs from both nodes');
    });
    expect(await real.signal('SIGINT')).toBe(0);
    await consumer.close();
    expect(real.stderr.match(/"msg":"connected to broker"/g)).toHaveLength(1);
    expect(real.stderr).not.toContain('connection lost');
  });
});
