/**
 * Filters that turn the readings of an interval into one or a few: throttle_average sends
 * their mean, aggregate their min, mean and max as readings of their own. A window opens with
 * its first number and closes `intervalMs` later (monotonic), so an idle sensor keeps no
 * timer and an empty window sends nothing. NaN (no measurement) is left out.
 */
import type { TimerHandle } from '../../core/clock.js';
import { made, type Emit, type Stage, type StageContext } from './stage.js';

/** Count, sum, min and max of the numbers of one window. */
class WindowStats {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

/** Runs `close` `intervalMs` after the first number of each window; other values pass at once. */
function windowed(intervalMs: number, next: Emit, { clock }: StageContext, close: (stats: WindowStats, name: string, unit: string | undefined) => void): Stage {
  const stats = new WindowStats();
  let name = '';
  let unit: string | undefined;
  let timer: TimerHandle | undefined;
  const end = () => {
    timer = undefined;
    close(stats, name, unit);
    stats.reset();
  };
  return {
    push(reading) {
      if (typeof reading.value !== 'number') return next(reading);
      if (Number.isNaN(reading.value)) return;
      ({ name, unit } = reading);
      stats.add(reading.value);
      timer ??= clock.setTimeout(end, intervalMs);
    },
    /** The open window closes early: what it holds is sent, not lost with the stop. */
    stop() {
      if (timer === undefined) return;
      clock.clearTimeout(timer);
      end();
    },
  };
}

/** One reading per interval: the mean of the numbers that arrived in it, stamped at its end. */
export function throttleAverage(intervalMs: number, next: Emit, context: StageContext): Stage {
  return windowed(intervalMs, next, context, (stats, name, unit) => next(made(name, unit, stats.sum / stats.count, context.clock)));
}

export type AggregateKind = 'min' | 'mean' | 'max';

/** Per interval, `<name>_min`, `<name>_mean`, `<name>_max` (those in `send`, in that order), stamped at its end. */
export function aggregate(options: { intervalMs: number; send: readonly AggregateKind[] }, next: Emit, context: StageContext): Stage {
  const kinds = (['min', 'mean', 'max'] as const).filter((kind) => options.send.includes(kind));
  return windowed(options.intervalMs, next, context, (stats, name, unit) => {
    for (const kind of kinds) {
      const value = kind === 'min' ? stats.min : kind === 'max' ? stats.max : stats.sum / stats.count;
      next(made(`${name}_${kind}`, unit, value, context.clock));
    }
  });
}
