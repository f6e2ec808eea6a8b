import Database from 'better-sqlite3';

/** What an outbox file holds, read through a second connection as another process would. */
export function outboxRowsOnDisk(path: string): { packs: number; readings: number; bytes: number } {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS packs, coalesce(sum(readings), 0) AS readings, coalesce(sum(length(payload)), 0) AS bytes FROM packs').get() as { packs: number; readings: number; bytes: number };
  } finally {
    db.close();
  }
}
