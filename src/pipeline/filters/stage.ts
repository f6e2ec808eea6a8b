/**
 * What every filter of a sensor's chain is: a stage that takes readings and hands on none,
 * one or several to the next. Stages with timers (heartbeat, timeout, windows) cancel them in
 * stop(), so a stopped board leaves no timer behind.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ProblemCounter } from '../../core/problems.js';
import { copyReading, type Reading } from '../../core/reading.js';

/** Where a stage hands its readings. */
export type Emit = (reading: Reading) => void;

export interface Stage {
  push(reading: Reading): void;
  /** Cancels the stage's timers; safe to call twice. */
  stop?(): void;
}

/** What a stage may use: time, the board's problem counter and log, and the sensor it filters. */
export interface StageContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly problems: ProblemCounter;
  readonly sensor: { readonly name: string; readonly unit?: string | undefined };
}

/** The reading with another value: the rest (name, unit, time, flags) is the measurement's. */
export function withValue(reading: Reading, value: number | string | boolean): Reading {
  return copyReading(reading, { value });
}

/** A reading a filter makes itself (an average, a re-sent value): stamped now on both clocks. */
export function made(name: string, unit: string | undefined, value: number | string | boolean, clock: Clock): Reading {
  const reading = { name, value, time: clock.now(), monotonic: clock.monotonic() };
  return unit === undefined ? reading : copyReading(reading, { unit });
}
