/**
 * Whether this process may open a serial port, decided from the device node's owner, group
 * and mode, as the kernel does, before anything tries: a technician sees the fix in the port
 * list instead of in a failed start.
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { explainOpenError, permissionAdvice } from '../transports/serial-errors.js';

/** Who asks: a user id and every group id it holds (its primary group included). */
export interface Identity {
  readonly uid: number;
  readonly gids: readonly number[];
}

/** What `fieldnode ports` reports about opening a port. */
export interface PortAccess {
  readonly canOpen: boolean;
  /** What to do when it cannot: the group to join, or a udev rule. */
  readonly advice?: string;
}

/** This process's uid and groups. */
export function processIdentity(): Identity {
  const gids = new Set([process.getgid?.() ?? 0, ...(process.getgroups?.() ?? [])]);
  return { uid: process.getuid?.() ?? 0, gids: [...gids] };
}

const READ_WRITE = { owner: 0o600, group: 0o060, other: 0o006 } as const;

/** Whether the mode bits that apply to `identity` grant read and write (root ignores them). */
export function modeAllows(stats: Pick<Stats, 'uid' | 'gid' | 'mode'>, identity: Identity): boolean {
  if (identity.uid === 0) return true;
  const bits = stats.uid === identity.uid ? READ_WRITE.owner : identity.gids.includes(stats.gid) ? READ_WRITE.group : READ_WRITE.other;
  return (stats.mode & bits) === bits;
}

/**
 * May `identity` (this process when absent) open `path` for reading and writing? The node
 * behind a symlink is what counts. For this process an access check also counts, so a
 * desktop user given the port by an ACL (systemd's uaccess) is not told to join a group.
 */
export function portAccess(path: string, identity?: Identity): PortAccess {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const explained = explainOpenError(path, error as Error);
    return { canOpen: false, advice: explained.hint ?? explained.message };
  }
  if (modeAllows(stats, identity ?? processIdentity())) return { canOpen: true };
  if (identity === undefined && grantedByAccessCheck(path)) return { canOpen: true };
  return { canOpen: false, advice: permissionAdvice(path) };
}

function grantedByAccessCheck(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
