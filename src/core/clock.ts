/** Opaque handle for a scheduled callback; only the clock that issued it can cancel it. */
export type TimerHandle = { readonly id: number };

/**
 * Time as the runtime sees it. Injected everywhere so tests run in virtual time and so
 * intervals use the monotonic clock: a Pi without an RTC can jump its wall clock by decades.
 */
export interface Clock {
  /** Wall-clock epoch milliseconds, for timestamps on readings. */
  now(): number;
  /** Monotonic milliseconds since an arbitrary origin, for intervals and timeouts. */
  monotonic(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

let nextSystemTimerId = 1;

/** The real clock of the machine. */
export class SystemClock implements Clock {
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = nextSystemTimerId++;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      callback();
    }, delayMs);
    this.timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const timer = this.timers.get(handle.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(handle.id);
  }
}

/** Shared default so that components built without an explicit clock agree on one. */
export const systemClock: Clock = new SystemClock();

interface VirtualTimer {
  id: number;
  due: number;
  callback: () => void;
}

/**
 * A clock that only moves when told to, so that tests of batching windows, intervals and
 * simulators are exact and never sleep.
 */
export class VirtualClock implements Clock {
  private monotonicMs = 0;
  private wallOffsetMs: number;
  private nextId = 1;
  private timers: VirtualTimer[] = [];

  constructor(startEpochMs = Date.UTC(2026, 0, 1)) {
    this.wallOffsetMs = startEpochMs;
  }

  now(): number {
    return this.wallOffsetMs + this.monotonicMs;
  }

  monotonic(): number {
    return this.monotonicMs;
  }

  /** Moves the wall clock without moving monotonic time, as NTP does on a Pi after boot. */
  jumpWallClock(toEpochMs: number): void {
    this.wallOffsetMs = toEpochMs - this.monotonicMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, due: this.monotonicMs + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.timers = this.timers.filter((timer) => timer.id !== handle.id);
  }

  /** Runs every timer that falls due within the next `ms` milliseconds, in due order. */
  advance(ms: number): void {
    const target = this.monotonicMs + ms;
    for (;;) {
      const next = this.earliestDue(target);
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.monotonicMs = next.due;
      next.callback();
    }
    this.monotonicMs = target;
  }

  /** Timers still scheduled; lets tests assert that stop() cancelled everything. */
  pendingTimers(): number {
    return this.timers.length;
  }

  private earliestDue(limit: number): VirtualTimer | undefined {
    let earliest: VirtualTimer | undefined;
    for (const timer of this.timers) {
      if (timer.due <= limit && (!earliest || timer.due < earliest.due)) earliest = timer;
    }
    return earliest;
  }
}

/** Resolves after `delayMs` on `clock` (virtual time in tests). */
export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, delayMs));
}
