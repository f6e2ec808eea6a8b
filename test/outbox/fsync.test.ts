/**
 * What the SQLite outbox asks of the disk, seen by strace in a real process: a plain append
 * or removal writes without an fsync (it survives the process being killed: the kernel has
 * it), while a durable append, a sync and the boot epoch each wait for the disk.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithBinary } from '../support/binaries.js';

/** Runs the outbox through its steps in a child process under strace; returns the fsyncs of each step. */
function fsyncsPerStep(): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldnode-fsync-'));
  const script = `
    const { writeSync } = await import('node:fs');
    const { openSqliteOutbox } = await import(${JSON.stringify(`${process.cwd()}/dist/src/outbox/sqlite-outbox.js`)});
    const step = (name) => writeSync(1, '@' + name + '\\n');
    const pack = (seq) => ({ topic: 't/data', payload: Buffer.alloc(2000, seq), readings: 100, boot: 1, seq, createdAt: Date.now(), liveGeneration: 1 });
    const none = new Set();
    const outbox = openSqliteOutbox(${JSON.stringify(join(dir, 'outbox.db'))}, { maxBytes: 1 << 24, maxAgeMs: 3600000, overflow: 'drop-oldest' });
    step('boot');
    outbox.nextBootEpoch();
    step('append');
    const ids = [];
    for (let seq = 1; seq <= 20; seq++) ids.push(...outbox.append([pack(seq)], none, ids.length ? { remove: [ids.shift()] } : {}).ids);
    step('remove');
    outbox.remove(ids);
    step('durable');
    outbox.append([pack(21)], none, { durable: true });
    step('sync');
    outbox.sync();
    step('end');
  `;
  const trace = join(dir, 'trace');
  const run = spawnSync('strace', ['-f', '-e', 'trace=fsync,fdatasync,write', '-o', trace, process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the outbox script failed: ${run.stderr}`);
  const counts: Record<string, number> = {};
  let current: string | undefined;
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    const marker = /write\(1, "@(\w+)\\n"/.exec(line);
    if (marker) current = marker[1]!;
    else if (current && /\b(fsync|fdatasync)\(/.test(line)) counts[current] = (counts[current] ?? 0) + 1;
  }
  return counts;
}

describeWithBinary('strace', 'strace', 'outbox fsyncs', () => {
  it('writes packs and removals without an fsync, and syncs durable appends, sync() and the boot epoch', () => {
    const counts = fsyncsPerStep();
    expect(counts['append'] ?? 0).toBe(0);
    expect(counts['remove'] ?? 0).toBe(0);
    expect(counts['boot']).toBeGreaterThanOrEqual(1);
    expect(counts['durable']).toBeGreaterThanOrEqual(1);
    expect(counts['sync']).toBeGreaterThanOrEqual(1);
  });
});
