/**
 * The outbox on SQLite (better-sqlite3) in WAL mode: writes are grouped into one
 * transaction per turn of the event loop, committed without an fsync (synchronous=NORMAL):
 * a commit is in the kernel's page cache, so it survives the process being killed. What
 * must also survive a power cut is made durable by sync(), one fsync for every commit
 * before it, which the forwarder calls only for packs the broker has not acknowledged
 * soon: an SD card then sees no fsync at all while the broker keeps up.
 */
import type Database from 'better-sqlite3';
import { loadDatabase } from './load-sqlite.js';
import { mkdirSync, statfsSync } from 'node:fs';
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

/**
 * WAL bounds: a checkpoint every 128 pages (512 KiB at 4 KiB pages) and a WAL file cut back
 * to 512 KiB after each, so that on a small data partition the WAL cannot take the space the
 * rows need; at most that plus one batch. It is truncated to nothing after a failed write and
 * after draining a backlog (see BACKLOG_BYTES).
 */
const WAL_AUTOCHECKPOINT_PAGES = 128;
/** See WAL_AUTOCHECKPOINT_PAGES. */
export const WAL_SIZE_LIMIT_BYTES = 512 * 1024;
/**
 * A drain truncates the WAL only after the outbox held this much: after an outage the space
 * goes back to the file system at once, while at steady state (a pack or two waiting for its
 * acknowledgement) a truncating checkpoint per acknowledgement would cost two fsyncs each time,
 * and the autocheckpoint already bounds the WAL.
 */
export const BACKLOG_BYTES = 64 * 1024;

/** Opens (creating if needed) the outbox database at `path`. */
export function openSqliteOutbox(path: string, bounds: OutboxBounds): Outbox {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return new SqliteOutbox(path, bounds);
}

function connect(path: string): Database.Database {
  const db = new (loadDatabase())(path);
  db.pragma('journal_mode = WAL');
  // NORMAL: commits are written but not synced; sync() and durable appends sync them (a
  // commit at FULL syncs the whole WAL, so every earlier commit with it). In WAL mode a
  // power cut can then lose only the last unsynced commits, never corrupt the database.
  db.pragma('synchronous = NORMAL');
  // A fixed, small page cache: the backlog lives on disk, and memory must not grow with it.
  db.pragma('cache_size = -1024');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.exec(SCHEMA);
  return db;
}

type Totals = { packs: number; readings: number; bytes: number };

class SqliteOutbox implements Outbox {
  private db!: Database.Database;
  /** Runs the work it is given in one transaction: made once, since better-sqlite3 builds four wrappers per transaction() call. */
  private inTransaction!: (work: () => unknown) => unknown;
  private insert!: Database.Statement;
  private selectAfter!: Database.Statement;
  private deleteById!: Database.Statement;
  private selectOldest!: Database.Statement;
  private selectExpired!: Database.Statement;
  private selectTotals!: Database.Statement;
  private markSynced!: Database.Statement;
  private current: Totals = { packs: 0, readings: 0, bytes: 0 };
  /** The most bytes held since the WAL was last truncated: whether a drain ends a backlog. */
  private peakBytes = 0;
  /** Set by close(): a connection closed on purpose is never reopened. */
  private closedByOwner = false;

  constructor(
    private readonly path: string,
    private readonly bounds: OutboxBounds,
  ) {
    this.open();
  }

  private open(): void {
    const db = (this.db = connect(this.path));
    this.inTransaction = db.transaction((work: () => unknown) => work());
    this.insert = db.prepare('INSERT INTO packs (topic, payload, readings, boot, seq, created_at, live_generation) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectAfter = db.prepare('SELECT * FROM packs WHERE id > ? ORDER BY id LIMIT ?');
    this.deleteById = db.prepare('DELETE FROM packs WHERE id = ? RETURNING readings, length(payload) AS bytes');
    this.selectOldest = db.prepare('SELECT id, readings, length(payload) AS bytes FROM packs WHERE id > ? ORDER BY id LIMIT 256');
    this.selectExpired = db.prepare('SELECT id, readings, length(payload) AS bytes FROM packs WHERE created_at < ? AND created_at >= ? ORDER BY id');
    this.selectTotals = db.prepare('SELECT count(*) AS packs, coalesce(sum(readings), 0) AS readings, coalesce(sum(length(payload)), 0) AS bytes FROM packs');
    this.markSynced = db.prepare("INSERT INTO meta (key, value) VALUES ('synced_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    this.current = { ...(this.selectTotals.get() as Totals) };
    this.peakBytes = this.current.bytes;
  }

  /**
   * Runs `work` in one transaction. When it fails (SQLITE_FULL, an I/O error), the in-memory
   * totals go back to what is on disk and the connection is made usable again, so that the
   * outbox works as soon as space returns, without a restart.
   */
  private write<T>(work: () => T): T {
    const before = { ...this.current };
    try {
      return this.inTransaction(work) as T;
    } catch (error) {
      this.current = before;
      this.recover();
      throw error;
    }
  }

  /**
   * Runs `work` in one transaction whose commit waits for the card (synchronous=FULL). The
   * pragma is run afresh each time: SQLite applies `synchronous` when the statement is
   * prepared, so a prepared one run later would change nothing.
   */
  private writeDurably<T>(work: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return this.write(work);
    } finally {
      if (this.db.open) this.db.pragma('synchronous = NORMAL');
    }
  }

  /**
   * After a failed write: a transaction that could not be rolled back would swallow every later
   * write into a savepoint that never commits, so roll back or reopen; recount what is on disk;
   * and try to give the WAL's space back to the file system.
   */
  private recover(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      // Reopened below.
    }
    if (!this.db.open || this.db.inTransaction) {
      if (this.closedByOwner) return;
      try {
        if (this.db.open) this.db.close();
      } catch {
        // A closed handle is all that is needed.
      }
      try {
        this.open();
      } catch {
        // The next write tries again through a fresh failure.
        return;
      }
    }
    try {
      this.current = { ...(this.selectTotals.get() as Totals) };
    } catch {
      // Keep the totals restored from before the transaction: they matched the disk.
    }
    this.checkpoint();
  }

  /** Moves the WAL into the database file and truncates it; harmless when it cannot. */
  private checkpoint(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.peakBytes = this.current.bytes;
    } catch {
      // A full disk may refuse the checkpoint too; the next one tries again.
    }
  }

  append(packs: readonly NewPack[], inFlight: ReadonlySet<number>, options: { durable?: boolean; remove?: readonly number[] } = {}): { ids: (number | undefined)[]; dropped: Dropped; reason?: DropReason } {
    const dropped: Dropped = { packs: 0, readings: 0, ids: [] };
    const ids: (number | undefined)[] = [];
    const store = () => {
      this.deleteAcknowledged(options.remove ?? []);
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
    };
    if (options.durable) this.writeDurably(store);
    else this.write(store);
    if (options.remove?.length) this.afterRemoval(packs.length);
    this.peakBytes = Math.max(this.peakBytes, this.current.bytes);
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

  /** The one row a sync writes: a commit at FULL needs a frame to write, and it says when. */
  sync(): void {
    this.writeDurably(() => this.markSynced.run(Date.now()));
  }

  /**
   * Removes acknowledged packs without an fsync of their own: a removal lost to a power cut
   * only sends a pack again, which receivers drop by (boot, seq), and the next sync, or the
   * checkpoint's, makes it durable with everything before it.
   */
  remove(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.write(() => this.deleteAcknowledged(ids));
    this.afterRemoval(0);
  }

  private deleteAcknowledged(ids: readonly number[]): void {
    for (const id of ids) {
      const removed = this.deleteById.get(id) as { readings: number; bytes: number } | undefined;
      if (removed) this.account(removed, -1);
    }
  }

  /** A backlog drained (all that is left are the `fresh` packs just stored): give the WAL's space back now, not at the next autocheckpoint. */
  private afterRemoval(fresh: number): void {
    if (this.current.packs <= fresh && this.peakBytes >= BACKLOG_BYTES) this.checkpoint();
  }

  expire(nowMs: number, inFlight: ReadonlySet<number>): Dropped {
    const dropped: Dropped = { packs: 0, readings: 0, ids: [] };
    this.write(() => {
      const rows = this.selectExpired.all(nowMs - this.bounds.maxAgeMs, SANE_CLOCK_FLOOR_MS) as { id: number; readings: number; bytes: number }[];
      this.deleteRows(rows.filter((row) => !inFlight.has(row.id)), dropped);
    });
    return dropped;
  }

  totals(): OutboxTotals {
    return { ...this.current };
  }

  nextBootEpoch(): number {
    // Synced at once: an epoch lost to a power cut would be handed out again, and packs of two boots would share (boot, seq).
    return this.writeDurably(() => {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'boot'").get() as { value: number } | undefined;
      const next = (row?.value ?? 0) + 1;
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('boot', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(next);
      return next;
    });
  }

  freeBytes(): number | undefined {
    if (this.path === ':memory:') return undefined;
    try {
      const stats = statfsSync(dirname(this.path));
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.closedByOwner = true;
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
