/**
 * One node per data directory. Two processes on one outbox would hand out the same boot
 * epoch and send each other's packs twice, so a node holds an exclusive lock on its
 * directory for its whole life.
 *
 * The lock is SQLite's own file lock (fcntl) on a small file, taken with
 * `locking_mode=EXCLUSIVE` and a write transaction and never given back while the node runs.
 * The kernel releases it when the process dies, however it dies (SIGKILL, a power cut), so a
 * stale lock cannot block the next start, and there is no PID-liveness guess that a PID
 * reused after a reboot could fool. SQLite also enforces it between connections of one
 * process. The holder's PID goes to a side file, for the message only.
 */
import type Database from 'better-sqlite3';
import { loadDatabase } from './load-sqlite.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldnodeError } from '../core/errors.js';


/**
 * The lock file, an (empty) SQLite database that only serves as something to lock. It stays
 * after a stop: deleting it would let one process lock the old file and another a new one.
 */
export const LOCK_FILE = 'node.lock';
/** Who holds the lock: the PID, for the message a second process prints. */
export const PID_FILE = 'node.pid';

/** Another process runs a node on this directory; says which one, so it can be found and stopped. */
export class DataDirLockedError extends FieldnodeError {
  constructor(
    readonly directory: string,
    readonly holderPid: number | undefined,
  ) {
    const holder = holderPid === undefined ? 'another process' : `another process (PID ${holderPid})`;
    super(`${holder} is running a node on ${directory}: one node per data directory; stop that one first, or give this one another dataDir`, 'LOCKED');
  }
}

/** A held lock; `release()` gives it back and may be called more than once. */
export interface DataDirLock {
  readonly directory: string;
  release(): void;
}

/** Takes the lock on `directory` (created if missing) at once, or throws DataDirLockedError. */
export function lockDataDir(directory: string, pid: number = process.pid): DataDirLock {
  let db: Database.Database;
  try {
    mkdirSync(directory, { recursive: true });
    db = new (loadDatabase())(join(directory, LOCK_FILE), { timeout: 0 });
  } catch (error) {
    throw cannotLock(directory, error);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The journal in memory: the file holds no data, and a lock file should not grow companions
    // (OFF would do as well, but better-sqlite3's defensive mode refuses it).
    db.pragma('journal_mode = MEMORY');
    // A write takes SQLite's exclusive lock; in EXCLUSIVE locking mode it is kept until close.
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirLockedError(directory, readHolder(directory));
    throw cannotLock(directory, error);
  }
  const pidFile = join(directory, PID_FILE);
  try {
    writeFileSync(pidFile, `${pid}\n`);
  } catch (error) {
    db.close();
    throw cannotLock(directory, error);
  }
  let held = true;
  return {
    directory,
    release() {
      if (!held) return;
      held = false;
      // Removed while still locked: removing it after would race with the next holder writing its own.
      rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

/**
 * Whether a node holds the lock on `directory`, found without taking it and without writing
 * anything there (for a check run beside the node): a reader is refused while the holder keeps
 * its exclusive lock. A directory without a lock file has never had a node.
 */
export function lockHolder(directory: string): { readonly held: false } | { readonly held: true; readonly pid: number | undefined } {
  const file = join(directory, LOCK_FILE);
  if (!existsSync(file)) return { held: false };
  const db = new (loadDatabase())(file, { readonly: true, fileMustExist: true, timeout: 0 });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return { held: false };
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return { held: true, pid: readHolder(directory) };
    throw error;
  } finally {
    db.close();
  }
}

function readHolder(directory: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(directory, PID_FILE), 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // The holder may be between taking the lock and writing its PID.
    return undefined;
  }
}

function cannotLock(directory: string, error: unknown): FieldnodeError {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new FieldnodeError(`cannot lock the data directory ${directory} (${code}): make it a directory the node may write`, 'OUTBOX', { cause: error });
}
