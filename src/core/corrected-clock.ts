import type { Clock, TimerHandle } from './clock.js';
import type { Logger } from './logger.js';

/**
 * Wall-clock times before this are a clock that has not been set: a Pi without a real-time
 * clock boots in 1970 or at its last shutdown, until NTP (or a GPS) tells it the time.
 */
export const SANE_CLOCK_FLOOR_MS = Date.UTC(2024, 0, 1);

/** A correction is applied when the wall clock is unset or off by more than this. */
const MAX_DRIFT_MS = 2000;

/**
 * The node's wall clock, corrected by a trusted time source (GPS) when the machine's own
 * clock is unset or wrong. Monotonic time and timers are the base clock's, untouched.
 */
export class CorrectedClock implements Clock {
  private offsetMs = 0;

  constructor(
    /** The machine's own clock, uncorrected. */
    readonly base: Clock,
    private readonly logger: Logger,
  ) {}

  now(): number {
    return this.base.now() + this.offsetMs;
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
    return this.now() >= SANE_CLOCK_FLOOR_MS;
  }

  /**
   * A source (`gps`) says it is `utcMs` now. Applied when the corrected clock is unset or
   * drifts by more than 2 s; smaller differences are left to NTP, which slews smoothly.
   */
  offer(utcMs: number, source: string): void {
    if (!Number.isFinite(utcMs) || utcMs < SANE_CLOCK_FLOOR_MS) return;
    const drift = utcMs - this.now();
    if (this.isSet && Math.abs(drift) <= MAX_DRIFT_MS) return;
    this.offsetMs = utcMs - this.base.now();
    this.logger.warn({ source, correctionMs: Math.round(drift) }, `wall clock corrected from ${source} by ${(drift / 1000).toFixed(1)} s`);
  }
}
