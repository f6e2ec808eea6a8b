/**
 * Filters that act when time passes without readings: heartbeat re-sends the last value so a
 * consumer tells a steady river from a dead node (delta alone would send nothing), timeout
 * reports a silent sensor, debounce lets a state through once it has held. Each keeps at most
 * one timer and re-arms it from the monotonic time of the last event rather than on every
 * reading, so a fast sensor costs no timer churn.
 */
import type { TimerHandle } from '../../core/clock.js';
import { copyReading, type Reading } from '../../core/reading.js';
import { made, type Emit, type Stage, type StageContext } from './stage.js';

/** Passes every reading, and re-sends the last one, stamped now, whenever `intervalMs` passes without a send. */
export function heartbeat(intervalMs: number, next: Emit, { clock }: StageContext): Stage {
  let last: Reading | undefined;
  let sentAt = 0;
  let timer: TimerHandle | undefined;
  const arm = (delayMs: number) => {
    timer = clock.setTimeout(beat, delayMs);
  };
  const send = (reading: Reading) => {
    last = reading;
    sentAt = clock.monotonic();
    next(reading);
    if (!timer) arm(intervalMs);
  };
  const beat = () => {
    timer = undefined;
    const elapsed = clock.monotonic() - sentAt;
    if (elapsed < intervalMs) arm(intervalMs - elapsed);
    else if (last) send(copyReading(last, { time: clock.now(), monotonic: clock.monotonic() }));
  };
  return {
    push: send,
    stop() {
      clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

export interface TimeoutOptions {
  readonly afterMs: number;
  /** Sent (through the rest of the chain) once per silence, when given. */
  readonly value?: number | string | boolean | undefined;
}

/**
 * Passes every reading; when none arrives for `afterMs` (from the chain's start or the last
 * reading) it counts `sensor-silent` once for that silence, logs it, and sends `value` if
 * given. The first reading after a silence is logged as the sensor resuming.
 */
export function timeout(options: TimeoutOptions, next: Emit, { clock, logger, problems, sensor }: StageContext): Stage {
  let lastArrival = clock.monotonic();
  let silent = false;
  let timer: TimerHandle | undefined;
  const arm = (delayMs: number) => {
    timer = clock.setTimeout(check, delayMs);
  };
  const check = () => {
    timer = undefined;
    const elapsed = clock.monotonic() - lastArrival;
    if (elapsed < options.afterMs) return arm(options.afterMs - elapsed);
    silent = true;
    problems.count('sensor-silent', `${sensor.name}: no reading for ${options.afterMs} ms`);
    logger.warn({ sensor: sensor.name, afterMs: options.afterMs }, `sensor ${sensor.name} is silent: no reading for ${options.afterMs} ms`);
    if (options.value !== undefined) next(made(sensor.name, sensor.unit, options.value, clock));
  };
  arm(options.afterMs);
  return {
    push(reading) {
      lastArrival = clock.monotonic();
      if (silent) {
        silent = false;
        logger.info({ sensor: sensor.name }, `sensor ${sensor.name} reads again`);
      }
      if (!timer) arm(options.afterMs);
      next(reading);
    },
    stop() {
      clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * A value that differs from the last one passed goes on only after it has held for `ms`
 * (as the reading that started it); the same value as the last one passed goes on at once.
 * Meant for states (booleans): a contact that chatters as it closes reports one change.
 */
export function debounce(ms: number, next: Emit, { clock }: StageContext): Stage {
  let passed = false;
  let passedValue: Reading['value'] | undefined;
  let pending: Reading | undefined;
  let timer: TimerHandle | undefined;
  const cancel = () => {
    clock.clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  const settle = () => {
    const reading = pending!;
    timer = undefined;
    pending = undefined;
    passed = true;
    passedValue = reading.value;
    next(reading);
  };
  return {
    push(reading) {
      if (passed && Object.is(reading.value, passedValue)) {
        cancel();
        next(reading);
        return;
      }
      if (pending && Object.is(pending.value, reading.value)) return;
      cancel();
      pending = reading;
      timer = clock.setTimeout(settle, ms);
    },
    stop: cancel,
  };
}
