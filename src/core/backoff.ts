/** How long to wait between connection attempts. */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with jitter: the ceiling doubles per failed attempt up to the cap, and
 * the delay is drawn from the upper half of it, so a fleet that lost its broker at the same
 * moment does not come back in lockstep and flatten it again.
 */
export class Backoff {
  private attempt = 0;

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
    this.attempt++;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  /** After a success: the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }
}
