/**
 * Filters that map one number to another, reading by reading, with no state: offset,
 * multiply, calibration curves, clamp, round; and range, which judges rather than maps.
 * Each is a pure function of the value, so a table of inputs and outputs tests it.
 */
import { evaluate, type Polynomial } from './least-squares.js';

export type ValueMap = (value: number) => number;

export const offsetBy =
  (amount: number): ValueMap =>
  (value) =>
    value + amount;

export const multiplyBy =
  (factor: number): ValueMap =>
  (value) =>
    value * factor;

/** A calibration curve, from a fit or from coefficients given in the config. */
export const polynomial =
  (coefficients: Polynomial): ValueMap =>
  (value) =>
    evaluate(coefficients, value);

/** Into [min, max]; NaN (no measurement) stays NaN. */
export const clampTo =
  (min = -Infinity, max = Infinity): ValueMap =>
  (value) =>
    value < min ? min : value > max ? max : value;

/**
 * To `decimals` places, as the decimal a person would write: 2.675 to 2 places is 2.68 or 2.67
 * as its double is, never 2.6799999999999997 as `Math.round(x * 100) / 100` can give.
 */
export const roundTo =
  (decimals: number): ValueMap =>
  (value) =>
    Number.isFinite(value) ? Number(value.toFixed(decimals)) : value;

/** Which side of [min, max] a value falls, or undefined inside it (and for NaN, which is no value). */
export function outside(value: number, min = -Infinity, max = Infinity): 'below' | 'above' | undefined {
  if (value < min) return 'below';
  if (value > max) return 'above';
  return undefined;
}
