/** How long to wait between connection attempts. */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * The shortest delay ever drawn ({@link MIN_DELAY_MS} unless given): a caller that means
   * "one attempt, then wait very long" sets it to its ceiling and gets no jitter at all.
   */
  readonly minDelayMs?: number;
}

/**
 * The shortest wait between two attempts. A refused TCP connection fails in well under a
 * millisecond, so a draw near 0 would retry at once and could chain into a spin; 100 ms caps
 * a node at 10 attempts a second in the worst case, and lies at or below every ceiling the
 * config allows (`broker.reconnect.maxDelayMs` ≥ 100 ms), so it does not narrow the spread.
 */
export const MIN_DELAY_MS = 100;

/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture
 * Blog, 2015): the ceiling doubles per failed attempt up to the cap, and the delay is drawn
 * uniformly from the floor up to the whole ceiling. A fleet that lost its broker at the same
 * moment comes back spread evenly over the ceiling, not bunched in its upper half (the
 * "equal jitter" of the same article), so the broker sees the lowest peak connection rate.
 */
export class Backoff {
  private attempt = 0;

  /** `random` is uniform in [0, 1): Math.random, or a seeded source in tests. */
  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The delay before the next attempt; each call counts one more failure. `capMs` lowers the
   * cap for this attempt only: a caller that knows a retry is cheap and likely to succeed
   * soon (the far end is down, not refusing) still gets jitter but need not wait long.
   */
  next(capMs = this.options.maxDelayMs): number {
    const cap = Math.min(this.options.maxDelayMs, capMs);
    const ceiling = Math.min(cap, this.options.initialDelayMs * 2 ** Math.min(this.attempt, 30));
    const floor = Math.min(this.options.minDelayMs ?? MIN_DELAY_MS, ceiling);
    this.attempt++;
    return Math.round(floor + this.random() * (ceiling - floor));
  }

  /** After a success: the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }
}
