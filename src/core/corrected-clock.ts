import type { Clock, TimerHandle } from './clock.js';
import type { Logger } from './logger.js';
import { TrustedTime } from './trusted-time.js';

/**
 * Wall-clock times before this are a clock that has not been set: a Pi without a real-time
 * clock boots in 1970 or at its last shutdown, until NTP (or a GPS) tells it the time.
 */
export const SANE_CLOCK_FLOOR_MS = Date.UTC(2024, 0, 1);

/**
 * The node's wall clock: the trusted time (see TrustedTime) once a source made it trusted,
 * the machine's own until then. Monotonic time and timers are the base clock's, untouched.
 */
export class CorrectedClock implements Clock {
  /** What the clock's trust rests on; shared with whatever dates readings. */
  readonly trusted: TrustedTime;

  constructor(
    /** The machine's own clock, uncorrected. */
    readonly base: Clock,
    logger: Logger,
    /** Default: a trusted time of its own that trusts the machine clock when it reads after the build date. */
    trusted?: TrustedTime,
  ) {
    if (trusted) {
      this.trusted = trusted;
    } else {
      this.trusted = new TrustedTime(base, logger);
      this.trusted.machineSynchronisation('unknown');
    }
  }

  now(): number {
    return this.trusted.now();
  }

  monotonic(): number {
    return this.base.monotonic();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.base.setTimeout(callback, delayMs);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.base.clearTimeout(handle);
  }

  /** Whether wall-clock times can be trusted yet. */
  get isSet(): boolean {
    return this.trusted.source !== undefined;
  }

  /**
   * A source (`gps`) says it is `utcMs` now. Applied when the clock is not trusted yet, or
   * differs by more than 2 s from a trust of no higher rank; smaller differences are left to
   * NTP, which slews smoothly.
   */
  offer(utcMs: number, source: string): void {
    this.trusted.offer(utcMs, source);
  }
}
