/**
 * Filters that smooth over the last readings, as ESPHome's: a sliding window of the last N
 * values (median, mean, min, max), and an exponential moving average. Both send every
 * `sendEvery`-th result, the first at the `sendFirstAt`-th value, so a node can smooth and cut
 * its traffic in one step. NaN (no measurement) is kept in the window but left out of the
 * result; a window of NaN only gives NaN. Clock-free steps: a value in, a result or nothing out.
 */

export type WindowKind = 'median' | 'mean' | 'min' | 'max';

export interface WindowOptions {
  readonly window: number;
  readonly sendEvery: number;
  readonly sendFirstAt: number;
}

/** Counts values and says which are sent: the `sendFirstAt`-th, then every `sendEvery`-th. */
class SendCounter {
  private count: number;

  constructor(private readonly sendEvery: number, sendFirstAt: number) {
    this.count = sendEvery - sendFirstAt;
  }

  due(): boolean {
    if (++this.count < this.sendEvery) return false;
    this.count = 0;
    return true;
  }
}

/** The last `window` values in a ring, and the statistic of them; allocates nothing per value. */
export class SlidingWindow {
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private next = 0;
  private size = 0;
  private readonly counter: SendCounter;

  constructor(private readonly kind: WindowKind, options: WindowOptions) {
    this.values = new Float64Array(options.window);
    this.scratch = new Float64Array(options.window);
    this.counter = new SendCounter(options.sendEvery, options.sendFirstAt);
  }

  /** Takes a value; the statistic of the window when this value is one to send. */
  step(value: number): number | undefined {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.values.length;
    if (this.size < this.values.length) this.size++;
    return this.counter.due() ? this.statistic() : undefined;
  }

  private statistic(): number {
    let count = 0;
    for (let index = 0; index < this.size; index++) {
      const value = this.values[index]!;
      if (!Number.isNaN(value)) this.scratch[count++] = value;
    }
    if (count === 0) return NaN;
    const present = this.scratch.subarray(0, count);
    switch (this.kind) {
      case 'median': {
        present.sort();
        const middle = count >> 1;
        return count % 2 === 1 ? present[middle]! : (present[middle - 1]! + present[middle]!) / 2;
      }
      case 'mean': {
        let sum = 0;
        for (const value of present) sum += value;
        return sum / count;
      }
      case 'min': {
        let min = Infinity;
        for (const value of present) if (value < min) min = value;
        return min;
      }
      case 'max': {
        let max = -Infinity;
        for (const value of present) if (value > max) max = value;
        return max;
      }
    }
  }
}

/** average ← alpha·value + (1 − alpha)·average, starting at the first value; NaN leaves it as it is. */
export class MovingAverage {
  private average = NaN;
  private readonly counter: SendCounter;

  constructor(private readonly alpha: number, sendEvery: number) {
    this.counter = new SendCounter(sendEvery, 1);
  }

  step(value: number): number | undefined {
    if (!Number.isNaN(value)) this.average = Number.isNaN(this.average) ? value : this.alpha * value + (1 - this.alpha) * this.average;
    return this.counter.due() ? this.average : undefined;
  }
}
