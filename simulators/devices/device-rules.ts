/**
 * What the twins' `checkDevice` rules share: the problem type and readers of raw config
 * values, which may be of any type since the entries are checked before validation.
 */
import type { PathProblem } from '../../src/index.js';

/** One problem a twin finds between its options and the device read from it, by config path. */
export type DeviceProblem = PathProblem;

/** A raw option that is a string, else the default a valid config would get. */
export function stringOption(options: Readonly<Record<string, unknown>>, key: string, fallback: string): string {
  const value = options[key];
  return typeof value === 'string' ? value : fallback;
}

/** A raw option that is a number, else undefined. */
export function numberOption(options: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = options[key];
  return typeof value === 'number' ? value : undefined;
}
