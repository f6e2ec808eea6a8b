/**
 * The seen store on a SQLite file (better-sqlite3, WAL mode) that several consumer processes
 * on one machine open together: `INSERT OR IGNORE` on the primary key (site, node, boot, seq)
 * is atomic, so of two consumers handed the same pack exactly one inserts the row and delivers.
 */
import type Database from 'better-sqlite3';
import { loadDatabase } from '../outbox/load-sqlite.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PackIdentity, SeenStore } from './seen-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS seen (
  site TEXT NOT NULL,
  node TEXT NOT NULL,
  boot INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (site, node, boot, seq)
) WITHOUT ROWID;
`;

/** How long a consumer waits for another one's write before its own (SQLite busy timeout). */
const BUSY_TIMEOUT_MS = 5000;

export class SqliteSeenStore implements SeenStore {
  private readonly database: Database.Database;
  private readonly insert: Database.Statement<[string, string, number, number]>;

  /** Opens (or creates) the store at `path`; every consumer of a group passes the same path. */
  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    const Sqlite = loadDatabase();
    this.database = new Sqlite(path, { timeout: BUSY_TIMEOUT_MS });
    // WAL: readers and the one writer of the moment do not block each other across processes.
    this.database.pragma('journal_mode = WAL');
    // A lost row after a power cut means one pack delivered twice, not a corrupt file: NORMAL is enough.
    this.database.pragma('synchronous = NORMAL');
    this.database.exec(SCHEMA);
    this.insert = this.database.prepare('INSERT OR IGNORE INTO seen (site, node, boot, seq) VALUES (?, ?, ?, ?)');
  }

  firstSighting({ site, node, boot, seq }: PackIdentity): boolean {
    return this.insert.run(site, node, boot, seq).changes === 1;
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}
