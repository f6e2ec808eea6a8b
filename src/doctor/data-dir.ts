/**
 * Check 2: the node's data directory (`dataDir/<node id>`): there or creatable, writable, room
 * for the outbox's bound, not locked by a running node, and an outbox SQLite finds sound.
 * Nothing here creates the directory: the doctor looks, the node makes.
 */
import { accessSync, constants, existsSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { NodeConfig } from '../config/schema.js';
import { lockHolder } from '../outbox/data-dir-lock.js';
import { outboxPath } from '../node.js';
import { inspectOutbox } from './outbox-inspect.js';
import { fail, pass, reasonOf, warn, type CheckResult } from './report.js';

/** A backlog older than this means the node has not reached its broker for a long time. */
const STALE_BACKLOG_MS = 24 * 3_600_000;
/** Times before this come from a gateway that had not set its clock (a Pi without RTC boots in 1970). */
const SANE_TIME_FLOOR_MS = Date.UTC(2024, 0, 1);

/** What the data directory checks found, and whether a node runs on it (the later checks allow for it). */
export interface DataDirFindings {
  readonly results: CheckResult[];
  /** Set when a running node holds the directory: its PID, or null when it has not written it. */
  readonly runningPid?: number | null;
}

/** Runs the data directory checks in order; a directory the node cannot use stops the rest. */
export function checkDataDir(config: NodeConfig, now: number): DataDirFindings {
  const directory = dirname(outboxPath(config));
  const results: CheckResult[] = [];
  const usable = checkWritable(directory);
  results.push(usable);
  if (usable.status === 'fail') return { results };
  results.push(checkFreeSpace(directory, config.outbox.maxBytes));
  const lock = checkLock(directory);
  results.push(lock.result);
  results.push(...checkOutbox(outboxPath(config), now));
  return { results, ...(lock.runningPid === undefined ? {} : { runningPid: lock.runningPid }) };
}

function checkWritable(directory: string): CheckResult {
  const check = 'data directory';
  const advice = (what: string) => `${what}, or set dataDir to a directory the node's user may write`;
  const grant = `give the node's user a directory there (sudo install -d -o <user> ${directory})`;
  if (existsSync(directory)) {
    if (!statSync(directory).isDirectory()) return fail(check, `${directory} exists and is not a directory`, advice(`remove or rename ${directory}`));
    // Asked, not tried: the check writes nothing into a node's data directory.
    try {
      accessSync(directory, constants.W_OK | constants.X_OK);
    } catch (error) {
      return fail(check, `${directory} is not writable (${reasonOf(error)})`, advice(grant));
    }
    return pass(check, `${directory} exists and is writable`);
  }
  const ancestor = nearestExisting(directory);
  try {
    if (!statSync(ancestor).isDirectory()) return fail(check, `${directory} cannot be created: ${ancestor} is not a directory`, advice(`remove or rename ${ancestor}`));
    accessSync(ancestor, constants.W_OK | constants.X_OK);
  } catch (error) {
    return fail(check, `${directory} cannot be created in ${ancestor} (${reasonOf(error)})`, advice(grant));
  }
  return pass(check, `${directory} does not exist yet; the node will create it in ${ancestor}`);
}

function checkFreeSpace(directory: string, maxBytes: number): CheckResult {
  const check = 'free space';
  const where = nearestExisting(directory);
  try {
    const stats = statfsSync(where);
    const free = stats.bavail * stats.bsize;
    const detail = `${mib(free)} free on ${where}, the outbox may use up to ${mib(maxBytes)}`;
    if (free < maxBytes) return warn(check, detail, `free space on that file system, or lower outbox.maxBytes below what is free; the outbox drops the oldest readings when the disk fills`);
    return pass(check, detail);
  } catch (error) {
    return warn(check, `cannot read the free space of ${where} (${reasonOf(error)})`, 'check the file system with df -h');
  }
}

function checkLock(directory: string): { result: CheckResult; runningPid?: number | null } {
  const check = 'node lock';
  try {
    // Observed, not taken: taking it would write the doctor's PID where the node's belongs.
    const holder = lockHolder(directory);
    if (!holder.held) return { result: pass(check, existsSync(directory) ? 'free: no node is running on this data directory' : 'free (no node has run here yet)') };
    const who = holder.pid === undefined ? 'a node is running' : `a node is running (PID ${holder.pid})`;
    return {
      result: warn(check, `${who} on ${directory}`, 'the port and device checks cannot open what that node holds; stop it (sudo systemctl stop fieldnode) for a full check'),
      runningPid: holder.pid ?? null,
    };
  } catch (error) {
    return { result: fail(check, `cannot read the lock on ${directory} (${reasonOf(error)})`, `give the node's user read access to ${directory}`) };
  }
}

function checkOutbox(path: string, now: number): CheckResult[] {
  if (!existsSync(path)) return [pass('outbox', 'none yet: the node creates it at its first start')];
  let inspection;
  try {
    inspection = inspectOutbox(path);
  } catch (error) {
    return [fail('outbox', `cannot open ${path} (${reasonOf(error)})`, `move ${path} aside (the node starts a new, empty outbox) and keep it for inspection`)];
  }
  const integrity =
    inspection.integrity === 'ok'
      ? pass('outbox integrity', `${path}: ok`)
      : fail('outbox integrity', `${path} is damaged: ${inspection.integrity}`, `stop the node, move ${path} aside (its unsent readings are lost to the node) and start it again; check the SD card`);
  return [integrity, backlog(inspection, now)];
}

function backlog(inspection: ReturnType<typeof inspectOutbox>, now: number): CheckResult {
  const { packs, readings, oldestCreatedAt } = inspection;
  if (packs === 0 || oldestCreatedAt === undefined) return pass('backlog', 'empty: everything was sent');
  const counts = `${packs} pack(s), ${readings} reading(s) waiting`;
  if (oldestCreatedAt < SANE_TIME_FLOOR_MS) return warn('backlog', `${counts}, the oldest from before the clock was set`, 'see the clock check; the backlog is sent when the broker is reachable');
  const age = now - oldestCreatedAt;
  const detail = `${counts}, the oldest ${duration(age)} old`;
  if (age > STALE_BACKLOG_MS) return warn('backlog', detail, 'the node has not reached its broker for over a day: see the broker checks; readings older than outbox.maxAgeHours are dropped');
  return pass('backlog', detail);
}

function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(bytes < 10 * 1_048_576 ? 1 : 0)} MiB`;
}

/** A duration as a technician says it: 40 s, 12 min, 5 h, 3 d. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
