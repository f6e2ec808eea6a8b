/**
 * Notices that the device node behind an open port vanished or was replaced. A port can
 * stall without any error (a read loop that never learns of a hang-up, a driver that
 * never wakes its readers): the file descriptor stays open on a device that is gone. The
 * path tells: after an unplug it disappears, and after a replug it names a new node, even
 * when it reuses the old name (a /dev/serial/by-id link, a pty that got the same number).
 */
import { lstatSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
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

/** How often the path is checked when its directories cannot be watched for changes. */
const POLL_MS = 1000;
/**
 * How often it is checked all the same while they are watched: a change the kernel did not
 * report (a file system without inotify events, a watch limit reached later) is still caught.
 */
const BACKSTOP_MS = 10_000;
/**
 * How long a change event waits before its check. Pulling an adapter out, like ending socat,
 * hangs the tty up and removes its node: the read loop's "hung up" is the exacter reason and
 * comes within milliseconds, so it goes first. The wait also makes one check of the several
 * events udev sends for one replug.
 */
const EVENT_SETTLE_MS = 250;

export interface DeviceWatchOptions {
  /** Check on changes of the directories of the path and of the node it leads to (inotify); default true. */
  readonly events?: boolean;
}

/**
 * Checks the path (two stat calls a check) whenever its directory or that of the node it
 * leads to changes, and calls `onGone` once when the node is no longer the one that was
 * opened. A timer on the injected clock checks it too: once a second when the directories
 * cannot be watched, every ten seconds when they can. Watching costs no wakeup while nothing
 * changes, where a check once a second woke a quiet node once more a second than its data did.
 */
export class DeviceWatch {
  private timer: TimerHandle | undefined;
  private settling: TimerHandle | undefined;
  private stopped = false;
  private readonly watchers: FSWatcher[] = [];

  constructor(
    private readonly path: string,
    private readonly opened: DeviceIdentity,
    private readonly clock: Clock,
    private readonly onGone: (why: 'vanished' | 'replaced') => void,
    options: DeviceWatchOptions = {},
  ) {
    if (options.events ?? true) this.watchDirectories();
    this.schedule();
  }

  /** Safe to call more than once, and from onGone. */
  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.clock.clearTimeout(this.settling);
    this.settling = undefined;
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  /**
   * Watches the path's directory (where udev or socat replace a link) and that of the node it
   * resolves to (where the kernel removes a tty). An event for another name there is ignored;
   * one without a name, or a watch that fails (its directory removed), means a check soon.
   */
  private watchDirectories(): void {
    const names = new Set([basename(this.path)]);
    const directories = new Set([dirname(this.path)]);
    try {
      const target = realpathSync(this.path);
      names.add(basename(target));
      directories.add(dirname(target));
      for (const directory of directories) {
        const watcher = watch(directory, { persistent: false }, (_event, name) => {
          if (name === null || names.has(name.toString())) this.changed();
        });
        watcher.on('error', () => this.changed());
        this.watchers.push(watcher);
      }
    } catch {
      // No inotify here, or no watch left (fs.inotify.max_user_watches): the timer checks instead.
      for (const watcher of this.watchers.splice(0)) watcher.close();
    }
  }

  private changed(): void {
    if (this.stopped || this.settling !== undefined) return;
    this.settling = this.clock.setTimeout(() => {
      this.settling = undefined;
      this.check();
    }, EVENT_SETTLE_MS);
  }

  private schedule(): void {
    if (this.stopped) return;
    // Watched directories report changes; the timer is only a backstop then.
    const intervalMs = this.watchers.length > 0 ? BACKSTOP_MS : POLL_MS;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, intervalMs);
  }

  private check(): void {
    if (this.stopped) return;
    const now = deviceIdentity(this.path);
    if (now && sameDevice(now, this.opened)) {
      if (this.timer === undefined) this.schedule();
      return;
    }
    this.stop();
    this.onGone(now ? 'replaced' : 'vanished');
  }
}
