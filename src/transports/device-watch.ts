/**
 * Notices that the device node behind an open port vanished or was replaced. A port can
 * stall without any error (a read loop that never learns of a hang-up, a driver that
 * never wakes its readers): the file descriptor stays open on a device that is gone. The
 * path tells: after an unplug it disappears, and after a replug it names a new node, even
 * when it reuses the old name (a /dev/serial/by-id link, a pty that got the same number).
 */
import { lstatSync, statSync } from 'node:fs';
import type { Clock, TimerHandle } from '../core/clock.js';

/** What identifies the node a path leads to: the path itself (a link udev or socat recreates) and the device it resolves to. */
export interface DeviceIdentity {
  readonly linkDev: number;
  readonly linkIno: number;
  readonly dev: number;
  readonly ino: number;
  readonly rdev: number;
}

/** The identity of the node at `path` now, or undefined when there is none. */
export function deviceIdentity(path: string): DeviceIdentity | undefined {
  const link = lstatSync(path, { throwIfNoEntry: false });
  const target = statSync(path, { throwIfNoEntry: false });
  if (!link || !target) return undefined;
  return { linkDev: link.dev, linkIno: link.ino, dev: target.dev, ino: target.ino, rdev: target.rdev };
}

function sameDevice(a: DeviceIdentity, b: DeviceIdentity): boolean {
  return a.linkDev === b.linkDev && a.linkIno === b.linkIno && a.dev === b.dev && a.ino === b.ino && a.rdev === b.rdev;
}

/**
 * Checks the path on the injected clock (two stat calls a check, once a second by default)
 * and calls `onGone` once when the node is no longer the one that was opened.
 */
export class DeviceWatch {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly opened: DeviceIdentity,
    private readonly clock: Clock,
    private readonly onGone: (why: 'vanished' | 'replaced') => void,
    private readonly intervalMs = 1000,
  ) {
    this.schedule();
  }

  /** Safe to call more than once, and from onGone. */
  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => this.check(), this.intervalMs);
  }

  private check(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = deviceIdentity(this.path);
    if (now && sameDevice(now, this.opened)) return this.schedule();
    this.stop();
    this.onGone(now ? 'replaced' : 'vanished');
  }
}
