/**
 * The SQLite outbox when writes fail: the totals it reports always equal the rows on disk, and
 * it works again as soon as writes can succeed, without reopening. Failures are real SQLite
 * failures: a trigger that aborts a batch halfway, and a tmpfs that is really full.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewPack, Outbox } from '../../src/outbox/outbox.js';
import { openSqliteOutbox, WAL_SIZE_LIMIT_BYTES } from '../../src/outbox/sqlite-outbox.js';
import { describeNeeding } from '../support/needs.js';
import { outboxRowsOnDisk } from '../support/outbox-rows.js';
import { canMountSmallDisk, mountSmallDisk, type SmallDisk } from './small-disk.js';

const pack = (seq: number, bytes = 100): NewPack => ({ topic: 't/data', payload: Buffer.alloc(bytes, seq % 256), readings: 4, boot: 1, seq, createdAt: 1_000_000, liveGeneration: 0 });
const none = new Set<number>();

/** Makes every insert beyond `rows` rows fail, as a full disk would halfway through a batch. */
function failInsertsBeyond(path: string, rows: number, action: 'FAIL' | 'ROLLBACK' | 'ABORT'): () => void {
  const db = new Database(path);
  db.exec(`CREATE TRIGGER disk_full BEFORE INSERT ON packs WHEN (SELECT count(*) FROM packs) >= ${rows} BEGIN SELECT RAISE(${action}, 'database or disk is full'); END`);
  return () => {
    db.exec('DROP TRIGGER disk_full');
    db.close();
  };
}

describe('SQLite outbox after a failed write', () => {
  for (const action of ['FAIL', 'ABORT', 'ROLLBACK'] as const) {
    it(`keeps its totals equal to the rows on disk when a batch fails halfway (RAISE(${action}))`, () => {
      const path = join(mkdtempSync(join(tmpdir(), 'fieldnode-outbox-fail-')), 'outbox.db');
      const outbox = openSqliteOutbox(path, { maxBytes: 1000, maxAgeMs: 60_000, overflow: 'reject-new' });
      outbox.append([pack(1), pack(2), pack(3)], none);
      const heal = failInsertsBeyond(path, 5, action);
      expect(() => outbox.append([pack(4), pack(5), pack(6), pack(7)], none)).toThrow('database or disk is full');
      expect(outbox.totals()).toEqual(outboxRowsOnDisk(path));
      expect(outbox.totals()).toEqual({ packs: 3, readings: 12, bytes: 300 });
      heal();
      // Room for seven: none of the four is rejected, as an overcounted total would have them.
      const result = outbox.append([pack(4), pack(5), pack(6), pack(7)], none);
      expect(result.ids.every((id) => id !== undefined)).toBe(true);
      expect(outbox.totals()).toEqual(outboxRowsOnDisk(path));
      expect(outbox.after(0, 10).map((stored) => stored.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      outbox.close();
    });
  }

  it('does not count rows it dropped to make room in a batch that then failed', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fieldnode-outbox-fail-')), 'outbox.db');
    const outbox = openSqliteOutbox(path, { maxBytes: 500, maxAgeMs: 60_000, overflow: 'drop-oldest' });
    outbox.append([1, 2, 3, 4, 5].map((seq) => pack(seq)), none);
    const heal = failInsertsBeyond(path, 4, 'FAIL');
    expect(() => outbox.append([pack(6), pack(7)], none)).toThrow();
    expect(outbox.totals()).toEqual({ packs: 5, readings: 20, bytes: 500 });
    expect(outbox.totals()).toEqual(outboxRowsOnDisk(path));
    heal();
    const result = outbox.append([pack(6), pack(7)], none);
    expect(result.dropped).toMatchObject({ packs: 2, readings: 8 });
    expect(outbox.after(0, 10).map((stored) => stored.seq)).toEqual([3, 4, 5, 6, 7]);
    outbox.close();
  });
});

const smallDisk = canMountSmallDisk();

describeNeeding(smallDisk.available, 'a tmpfs mount', smallDisk.reason, 'SQLite outbox on a full disk', () => {
  let disk: SmallDisk | undefined;
  afterEach(() => {
    disk?.unmount();
    disk = undefined;
  });

  it('fails with SQLITE_FULL, keeps totals equal to the rows, bounds its WAL, and works again when space returns', () => {
    disk = mountSmallDisk(2 * 1024 * 1024);
    const path = join(disk.directory, 'node', 'outbox.db');
    const outbox: Outbox = openSqliteOutbox(path, { maxBytes: 64 * 1024 * 1024, maxAgeMs: 3_600_000, overflow: 'drop-oldest' });
    const filler = disk.fill(400 * 1024);
    let seq = 0;
    let failure: unknown;
    let largestWal = 0;
    for (let batch = 0; batch < 2000 && !failure; batch++) {
      try {
        outbox.append(Array.from({ length: 20 }, () => pack(++seq, 300)), none);
      } catch (error) {
        failure = error;
      }
      largestWal = Math.max(largestWal, statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    }
    expect((failure as { code?: string }).code).toBe('SQLITE_FULL');
    expect(outbox.freeBytes?.()).toBeLessThan(64 * 1024);
    expect(outbox.totals()).toEqual(outboxRowsOnDisk(path));
    const stored = outbox.totals().packs;
    expect(stored).toBeGreaterThan(0);
    // Autocheckpoint at 512 KiB of WAL plus one batch (20 packs of 300 bytes, a few pages).
    expect(largestWal).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES + 64 * 1024);
    // Still full: a retry fails the same way and changes nothing.
    expect(() => outbox.append(Array.from({ length: 20 }, () => pack(++seq, 300)), none)).toThrow();
    expect(outbox.totals()).toEqual(outboxRowsOnDisk(path));
    rmSync(filler);
    const after = outbox.append(Array.from({ length: 20 }, () => pack(++seq, 300)), none);
    expect(after.ids.every((id) => id !== undefined)).toBe(true);
    expect(outbox.totals()).toEqual({ ...outboxRowsOnDisk(path) });
    expect(outbox.totals().packs).toBe(stored + 20);
    // Drained: the WAL is handed back to the file system.
    outbox.remove(outbox.after(0, 100_000).map((row) => row.id));
    expect(outbox.totals()).toEqual({ packs: 0, readings: 0, bytes: 0 });
    expect(statSync(`${path}-wal`).size).toBe(0);
    outbox.close();
  });
});
