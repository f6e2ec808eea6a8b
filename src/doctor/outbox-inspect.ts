/**
 * Reads an outbox database for the doctor without changing it: SQLite's own integrity check
 * and what the backlog holds. Opened beside a running node's connection, which WAL allows
 * (readers do not block the writer). With sqlite-outbox.ts, the only files that read the
 * outbox with better-sqlite3.
 */
import Database from 'better-sqlite3';

/** What an outbox holds, and whether SQLite finds it sound. */
export interface OutboxInspection {
  /** `ok`, or the first problems `PRAGMA quick_check` lists. */
  readonly integrity: string;
  readonly packs: number;
  readonly readings: number;
  /** When the oldest pack waiting was made (ms since the epoch), if any waits. */
  readonly oldestCreatedAt?: number;
}

/** Runs `PRAGMA quick_check` on the outbox at `path` (which must exist) and totals its backlog. */
export function inspectOutbox(path: string): OutboxInspection {
  // Read only: the doctor changes nothing of a node's outbox. A busy writer holds its lock only
  // for one batch: wait that long rather than fail.
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 2000 });
  try {
    const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
    const integrity = rows.map((row) => row.quick_check).join('; ');
    const hasPacks = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'packs'").get() !== undefined;
    if (!hasPacks) return { integrity, packs: 0, readings: 0 };
    const totals = db.prepare('SELECT count(*) AS packs, coalesce(sum(readings), 0) AS readings, min(created_at) AS oldest FROM packs').get() as { packs: number; readings: number; oldest: number | null };
    return { integrity, packs: totals.packs, readings: totals.readings, ...(totals.oldest === null ? {} : { oldestCreatedAt: totals.oldest }) };
  } finally {
    db.close();
  }
}
