/**
 * A sensor's filters as one chain: readings pushed in go through each filter in the order the
 * config lists them, and what comes out goes to `emit`. After an `aggregate`, the rest of the
 * chain runs once per name it sends (`level_min`, `level_mean`...), so a `delta` after it
 * compares each series with itself.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import { copyReading, type Reading } from '../../core/reading.js';
import { DeltaGate, ThrottleGate } from './gates.js';
import { aggregate, throttleAverage } from './intervals.js';
import { fitPolynomial } from './least-squares.js';
import type { FilterConfig } from './schema.js';
import { withValue, type Emit, type Stage, type StageContext } from './stage.js';
import { clampTo, multiplyBy, offsetBy, outside, polynomial, roundTo, type ValueMap } from './value-maps.js';
import { MovingAverage, SlidingWindow } from './windows.js';
import { debounce, heartbeat, timeout } from './watch.js';

export interface FilterChain {
  push(reading: Reading): void;
  /**
   * Cancels every filter's timers and sends what an open window holds. A reading pushed
   * afterwards (a driver finishing as its board stops) is still filtered, but starts no timer.
   */
  stop(): void;
}

/** The chain of `filters` for the sensor of `context`, handing what passes to `emit`; its timers start now. */
export function buildChain(filters: readonly FilterConfig[], emit: Emit, context: StageContext): FilterChain {
  const stages: PlacedStage[] = [];
  let stopped = false;
  const push = build(filters, 0, emit, { ...context, clock: untilStopped(context.clock, () => stopped) }, stages);
  return {
    push,
    stop() {
      if (stopped) return;
      stopped = true;
      // In filter order: a window closing early hands its last readings to filters still running.
      for (const { stage } of stages.sort((a, b) => a.index - b.index)) stage.stop?.();
    },
  };
}

const NO_TIMER: TimerHandle = { id: -1 };

/** The clock, except that once the chain is stopped it schedules nothing: a stopped board keeps no timer. */
function untilStopped(clock: Clock, stopped: () => boolean): Clock {
  return {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    setTimeout: (callback, delayMs) => (stopped() ? NO_TIMER : clock.setTimeout(callback, delayMs)),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}

/** A stage and the place of its filter in the list. */
interface PlacedStage {
  readonly index: number;
  readonly stage: Stage;
}

/** The chain from filters[index] on; every stage made is recorded in `stages` for stop(). */
function build(filters: readonly FilterConfig[], index: number, emit: Emit, context: StageContext, stages: PlacedStage[]): Emit {
  const filter = filters[index];
  if (!filter) return emit;
  if ('aggregate' in filter) {
    const tails = new Map<string, Emit>();
    const fork: Emit = (reading) => {
      let tail = tails.get(reading.name);
      if (!tail) tails.set(reading.name, (tail = build(filters, index + 1, emit, context, stages)));
      tail(reading);
    };
    return record(stages, index, aggregate(filter.aggregate, fork, context));
  }
  return record(stages, index, stageFor(filter, build(filters, index + 1, emit, context, stages), context));
}

function record(stages: PlacedStage[], index: number, stage: Stage): Emit {
  stages.push({ index, stage });
  return (reading) => stage.push(reading);
}

function stageFor(filter: Exclude<FilterConfig, { aggregate: unknown }>, next: Emit, context: StageContext): Stage {
  if ('offset' in filter) return mapping(offsetBy(filter.offset), next);
  if ('multiply' in filter) return mapping(multiplyBy(filter.multiply), next);
  if ('calibrate_linear' in filter) return mapping(polynomial(fitted(filter.calibrate_linear, 1)), next);
  if ('calibrate_polynomial' in filter) {
    const { coefficients, points, degree } = filter.calibrate_polynomial;
    return mapping(polynomial(coefficients ?? fitted(points ?? [], degree ?? 1)), next);
  }
  if ('clamp' in filter) return mapping(clampTo(filter.clamp.min, filter.clamp.max), next);
  if ('round' in filter) return mapping(roundTo(filter.round.decimals), next);
  if ('range' in filter) {
    const { min, max, action } = filter.range;
    return numeric(next, (reading, value) => {
      const side = outside(value, min, max);
      if (side === undefined) next(reading);
      else if (action === 'flag') next(copyReading(reading, { outOfRange: side }));
    });
  }
  if ('median' in filter) return windowed(new SlidingWindow('median', filter.median), next);
  if ('mean' in filter) return windowed(new SlidingWindow('mean', filter.mean), next);
  if ('min' in filter) return windowed(new SlidingWindow('min', filter.min), next);
  if ('max' in filter) return windowed(new SlidingWindow('max', filter.max), next);
  if ('ema' in filter) return windowed(new MovingAverage(filter.ema.alpha, filter.ema.sendEvery), next);
  if ('delta' in filter) {
    const gate = new DeltaGate(filter.delta);
    return numeric(next, (reading, value) => gate.passes(value) && next(reading));
  }
  if ('throttle' in filter) {
    const gate = new ThrottleGate(filter.throttle.intervalMs);
    return { push: (reading) => gate.passes(context.clock.monotonic()) && next(reading) };
  }
  if ('throttle_average' in filter) return throttleAverage(filter.throttle_average.intervalMs, next, context);
  if ('heartbeat' in filter) return heartbeat(filter.heartbeat.intervalMs, next, context);
  if ('timeout' in filter) return timeout(filter.timeout, next, context);
  return debounce(filter.debounce.ms, next, context);
}

/** A stage for numbers; strings and booleans pass unchanged. */
function numeric(next: Emit, onNumber: (reading: Reading, value: number) => unknown): Stage {
  return {
    push(reading) {
      if (typeof reading.value === 'number') onNumber(reading, reading.value);
      else next(reading);
    },
  };
}

function mapping(map: ValueMap, next: Emit): Stage {
  return numeric(next, (reading, value) => next(withValue(reading, map(value))));
}

function windowed(window: { step(value: number): number | undefined }, next: Emit): Stage {
  return numeric(next, (reading, value) => {
    const result = window.step(value);
    if (result !== undefined) next(withValue(reading, result));
  });
}

/** The schema refused points that fit no curve, so a fit here always succeeds. */
function fitted(points: readonly (readonly [number, number])[], degree: number): readonly number[] {
  const fit = fitPolynomial(points, degree);
  if ('reason' in fit) throw new Error(`calibration passed validation but does not fit: ${fit.reason}`);
  return fit.coefficients;
}
