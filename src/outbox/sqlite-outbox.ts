/**
 * The outbox on SQLite (better-sqlite3) in WAL mode: writes are grouped into one
 * transaction per batch, so an SD card sees one fsync per batch, never one per reading.
 * With data-dir-lock.ts, the only files that import better-sqlite3.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SANE_CLOCK_FLOOR_MS, type Dropped, type DropReason, type NewPack, type Outbox, type OutboxBounds, type OutboxTotals, type StoredPack } from './outbox.js';

interface PackRow {
  id: number;
  topic: string;
  payload: Buffer;
  readings: number;
  boot: number;
  seq: number;
  created_at: number;
  live_generation: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS packs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  readings INTEGER NOT NULL,
  boot INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  live_generation INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS packs_created ON packs (created_at);
`;

/** Opens (creating if needed) the outbox database at `path`. */
export function openSqliteOutbox(path: string, bounds: OutboxBounds): Outbox {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a committed batch survives a power cut, at the price of one fsync per commit.
  db.pragma('synchronous = FULL');
  // A fixed, small page cache: the backlog lives on disk, and memory must not grow with it.
  db.pragma('cache_size = -1024');
  db.exec(SCHEMA);
  return new SqliteOutbox(db, bounds);
}

class SqliteOutbox implements Outbox {
  private readonly insert: Database.Statement;
  private readonly selectAfter: Database.Statement;
  private readonly deleteById: Database.Statement;
  private readonly selectOldest: Database.Statement;
  private readonly selectExpired: Database.Statement;
  private current: { packs: number; readings: number; bytes: number };

  constructor(
    private readonly db: Database.Database,
    private readonly bounds: OutboxBounds,
  ) {
    this.insert = db.prepare('INSERT INTO packs (topic, payload, readings, boot, seq, created_at, live_generation) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectAfter = db.prepare('SELECT * FROM packs WHERE id > ? ORDER BY id LIMIT ?');
    this.deleteById = db.prepare('DELETE FROM packs WHERE id = ? RETURNING readings, length(payload) AS bytes');
    this.selectOldest = db.prepare('SELECT id, readings, length(payload) AS bytes FROM packs WHERE id > ? ORDER BY id LIMIT 256');
    this.selectExpired = db.prepare('SELECT id, readings, length(payload) AS bytes FROM packs WHERE created_at < ? AND created_at >= ? ORDER BY id');
    const totals = db.prepare('SELECT count(*) AS packs, coalesce(sum(readings), 0) AS readings, coalesce(sum(length(payload)), 0) AS bytes FROM packs').get() as OutboxTotals;
    this.current = { ...totals };
  }

  append(packs: readonly NewPack[], inFlight: ReadonlySet<number>): { ids: (number | undefined)[]; dropped: Dropped; reason?: DropReason } {
    const dropped: Dropped = { packs: 0, readings: 0, ids: [] };
    const ids: (number | undefined)[] = [];
    this.db.transaction(() => {
      for (const pack of packs) {
        const size = pack.payload.length;
        if (this.current.bytes + size > this.bounds.maxBytes) {
          if (this.bounds.overflow === 'reject-new' || size > this.bounds.maxBytes) {
            dropped.packs++;
            dropped.readings += pack.readings;
            ids.push(undefined);
            continue;
          }
          this.dropOldestUntil(this.bounds.maxBytes - size, dropped, inFlight);
        }
        const result = this.insert.run(pack.topic, pack.payload, pack.readings, pack.boot, pack.seq, pack.createdAt, pack.liveGeneration);
        ids.push(Number(result.lastInsertRowid));
        this.current.packs++;
        this.current.readings += pack.readings;
        this.current.bytes += size;
      }
    })();
    return dropped.packs > 0 ? { ids, dropped, reason: 'full' } : { ids, dropped };
  }

  after(afterId: number, limit: number): StoredPack[] {
    return (this.selectAfter.all(afterId, limit) as PackRow[]).map((row) => ({
      id: row.id,
      topic: row.topic,
      payload: row.payload,
      readings: row.readings,
      boot: row.boot,
      seq: row.seq,
      createdAt: row.created_at,
      liveGeneration: row.live_generation,
    }));
  }

  remove(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) {
        const removed = this.deleteById.get(id) as { readings: number; bytes: number } | undefined;
        if (removed) this.account(removed, -1);
      }
    })();
  }

  expire(nowMs: number, inFlight: ReadonlySet<number>): Dropped {
    const dropped: Dropped = { packs: 0, readings: 0, ids: [] };
    this.db.transaction(() => {
      const rows = this.selectExpired.all(nowMs - this.bounds.maxAgeMs, SANE_CLOCK_FLOOR_MS) as { id: number; readings: number; bytes: number }[];
      this.deleteRows(rows.filter((row) => !inFlight.has(row.id)), dropped);
    })();
    return dropped;
  }

  totals(): OutboxTotals {
    return { ...this.current };
  }

  nextBootEpoch(): number {
    return this.db.transaction(() => {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'boot'").get() as { value: number } | undefined;
      const next = (row?.value ?? 0) + 1;
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('boot', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(next);
      return next;
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private dropOldestUntil(targetBytes: number, dropped: Dropped, inFlight: ReadonlySet<number>): void {
    let afterId = 0;
    while (this.current.bytes > targetBytes) {
      const rows = this.selectOldest.all(afterId) as { id: number; readings: number; bytes: number }[];
      if (rows.length === 0) break;
      afterId = rows[rows.length - 1]!.id;
      const victims: typeof rows = [];
      let bytes = this.current.bytes;
      for (const row of rows) {
        if (bytes <= targetBytes) break;
        if (inFlight.has(row.id)) continue;
        victims.push(row);
        bytes -= row.bytes;
      }
      this.deleteRows(victims, dropped);
    }
  }

  private deleteRows(rows: readonly { id: number; readings: number; bytes: number }[], dropped: Dropped): void {
    for (const row of rows) {
      this.deleteById.run(row.id);
      this.account(row, -1);
      dropped.packs++;
      dropped.readings += row.readings;
      dropped.ids.push(row.id);
    }
  }

  private account(row: { readings: number; bytes: number }, sign: 1 | -1): void {
    this.current.packs += sign;
    this.current.readings += sign * row.readings;
    this.current.bytes += sign * row.bytes;
  }
}
