import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANE_CLOCK_FLOOR_MS, type NewPack } from '../../src/outbox/outbox.js';
import { BACKLOG_BYTES, openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'fieldnode-outbox-')), 'node', 'outbox.db');
const pack = (seq: number, bytes = 100, createdAt = 1_000_000): NewPack => ({ topic: 't/data', payload: Buffer.alloc(bytes, seq % 256), readings: 4, boot: 1, seq, createdAt, liveGeneration: 0 });
const none = new Set<number>();
const bounds = { maxBytes: 1000, maxAgeMs: 60_000, overflow: 'drop-oldest' as const };

describe('SQLite outbox', () => {
  it('keeps packs in a WAL-mode file, oldest first, across reopening', () => {
    const path = file();
    const outbox = openSqliteOutbox(path, bounds);
    const { ids } = outbox.append([pack(1), pack(2), pack(3)], none);
    outbox.remove([ids[1]!]);
    outbox.close();
    expect(existsSync(path)).toBe(true);
    const reopened = openSqliteOutbox(path, bounds);
    expect(reopened.after(0, 10).map((stored) => stored.seq)).toEqual([1, 3]);
    expect(reopened.totals()).toEqual({ packs: 2, readings: 8, bytes: 200 });
    reopened.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('empties its WAL after draining a backlog, but not after each acknowledgement at steady state', () => {
    const path = file();
    const outbox = openSqliteOutbox(path, { ...bounds, maxBytes: 16 * 1024 * 1024 });
    const walBytes = () => statSync(`${path}-wal`).size;
    let seq = 0;
    // Steady state: one pack written, acknowledged and removed at a time.
    for (let turn = 0; turn < 20; turn++) {
      const { ids } = outbox.append([pack(++seq, 500)], none);
      outbox.remove(ids as number[]);
      expect(outbox.totals().packs).toBe(0);
    }
    expect(walBytes()).toBeGreaterThan(0);
    // An outage's backlog, then its drain.
    const backlog = Math.ceil((2 * BACKLOG_BYTES) / 500);
    const { ids } = outbox.append(Array.from({ length: backlog }, () => pack(++seq, 500)), none);
    outbox.remove(ids.slice(0, -1) as number[]);
    expect(walBytes()).toBeGreaterThan(0);
    outbox.remove([ids.at(-1)!]);
    expect(walBytes()).toBe(0);
    outbox.close();
    expect(openSqliteOutbox(path, bounds).totals()).toEqual({ packs: 0, readings: 0, bytes: 0 });
  });

  it('persists the boot epoch', () => {
    const path = file();
    const first = openSqliteOutbox(path, bounds);
    expect([first.nextBootEpoch(), first.nextBootEpoch()]).toEqual([1, 2]);
    first.close();
    const second = openSqliteOutbox(path, bounds);
    expect(second.nextBootEpoch()).toBe(3);
    second.close();
  });

  it('drops the oldest packs to make room, counting exactly, but never those in flight', () => {
    const outbox = openSqliteOutbox(file(), bounds);
    const { ids } = outbox.append(Array.from({ length: 10 }, (_, index) => pack(index + 1)), none);
    expect(outbox.totals().bytes).toBe(1000);
    const result = outbox.append([pack(11), pack(12)], new Set([ids[0]!]));
    expect(result.dropped).toEqual({ packs: 2, readings: 8, ids: [ids[1], ids[2]] });
    expect(outbox.after(0, 20).map((stored) => stored.seq)).toEqual([1, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    outbox.close();
  });

  it('rejects new packs when full under reject-new', () => {
    const outbox = openSqliteOutbox(file(), { ...bounds, overflow: 'reject-new' });
    outbox.append(Array.from({ length: 10 }, (_, index) => pack(index + 1)), none);
    const result = outbox.append([pack(11)], none);
    expect(result.ids).toEqual([undefined]);
    expect(result.dropped).toMatchObject({ packs: 1, readings: 4 });
    expect(outbox.after(0, 20).map((stored) => stored.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    outbox.close();
  });

  it('expires packs past the age bound', () => {
    const outbox = openSqliteOutbox(file(), bounds);
    const t0 = SANE_CLOCK_FLOOR_MS;
    const { ids } = outbox.append([pack(1, 10, t0 + 1000), pack(2, 10, t0 + 2000), pack(3, 10, t0 + 70_000)], none);
    expect(outbox.expire(t0 + 62_500, new Set([ids[0]!]))).toEqual({ packs: 1, readings: 4, ids: [ids[1]] });
    expect(outbox.after(0, 10).map((stored) => stored.seq)).toEqual([1, 3]);
    outbox.close();
  });
});
