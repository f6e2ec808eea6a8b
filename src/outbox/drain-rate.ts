import type { Clock } from '../core/clock.js';

/**
 * The backlog's speed limit, a token bucket in readings per second: after an outage the
 * backlog must not flood a cellular link or the broker, nor crowd out fresh readings.
 */
export class DrainRate {
  private tokens: number;
  private tokensAt: number;
  /** A fifth of a second's worth of drain: enough to keep the window full, small enough to stay fair to live data. */
  private readonly burst: number;

  constructor(
    private readonly readingsPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.burst = Math.max(readingsPerSecond / 5, 1);
    this.tokens = this.burst;
    this.tokensAt = clock.monotonic();
  }

  /**
   * Takes `readings` if any allowance is left (the bucket may go into debt for a large pack)
   * and returns 0; otherwise returns how many milliseconds to wait before asking again.
   */
  take(readings: number): number {
    const now = this.clock.monotonic();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.tokensAt) / 1000) * this.readingsPerSecond);
    this.tokensAt = now;
    if (this.tokens <= 0) return ((1 - this.tokens) / this.readingsPerSecond) * 1000;
    this.tokens -= readings;
    return 0;
  }
}
