/**
 * Filters that pass a reading or drop it, to cut what a cellular link carries: delta sends
 * only changes worth sending, throttle at most one reading per interval. Clock-free steps:
 * throttle is told the monotonic time.
 */

export interface DeltaOptions {
  /** Send when the change from the last sent value is more than this, in the sensor's unit. */
  readonly absolute?: number | undefined;
  /** ...or more than this percentage of the last sent value. */
  readonly percent?: number | undefined;
}

/** Passes the first value and then each whose change from the last passed one exceeds a threshold. */
export class DeltaGate {
  private last: number | undefined;

  constructor(private readonly options: DeltaOptions) {}

  passes(value: number): boolean {
    const last = this.last;
    if (last === undefined || this.exceeds(value, last)) {
      this.last = value;
      return true;
    }
    return false;
  }

  private exceeds(value: number, last: number): boolean {
    // A measurement appearing or disappearing (NaN) is a change; NaN after NaN is none.
    if (Number.isNaN(value) || Number.isNaN(last)) return Number.isNaN(value) !== Number.isNaN(last);
    const change = Math.abs(value - last);
    const { absolute, percent } = this.options;
    if (absolute !== undefined && change > absolute) return true;
    return percent !== undefined && change > (Math.abs(last) * percent) / 100;
  }
}

/** Passes the first reading, then none until `intervalMs` (monotonic) after the last one it passed. */
export class ThrottleGate {
  private lastPassedAt: number | undefined;

  constructor(private readonly intervalMs: number) {}

  passes(monotonicMs: number): boolean {
    if (this.lastPassedAt !== undefined && monotonicMs - this.lastPassedAt < this.intervalMs) return false;
    this.lastPassedAt = monotonicMs;
    return true;
  }
}
