/**
 * The stateless filters, value by value: offset, multiply, calibration curves, clamp, round and
 * range, each from a table of inputs and exact outputs, and in order in one chain.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, fitPolynomial } from '../../../src/pipeline/filters/least-squares.js';
import { chainOf } from './run-chain.js';

const through = (filters: unknown[], inputs: (number | string | boolean)[]) => {
  const run = chainOf(filters);
  for (const value of inputs) run.push(value);
  return run.values();
};

describe('value filters', () => {
  it.each([
    [[{ offset: -0.02 }], [1, 0.02, -3], [0.98, 0, -3.02]],
    [[{ multiply: 0.001 }], [1234, 0, -5], [1.234, 0, -0.005]],
    [[{ clamp: { min: 0, max: 5 } }], [-1, 0, 2.5, 5, 7, Infinity, -Infinity], [0, 0, 2.5, 5, 5, 5, 0]],
    [[{ clamp: { min: 0 } }], [-1, 1e300], [0, 1e300]],
    [[{ round: { decimals: 2 } }], [1.005, 2.675, 0.1 + 0.2, 1234.5678, -0.004], [Number((1.005).toFixed(2)), Number((2.675).toFixed(2)), 0.3, 1234.57, -0]],
    [[{ round: { decimals: 0 } }], [2.5, -2.5, 1e21], [3, -3, 1e21]],
    [[{ offset: 1 }, { multiply: 2 }, { round: { decimals: 1 } }], [0.04, 1], [2.1, 4]],
  ])('%j maps %j to %j', (filters, inputs, outputs) => {
    expect(through(filters, inputs)).toEqual(outputs);
  });

  it('round gives the double of the rounded decimal, not the noise of scaling', () => {
    // 0.1 + 0.7 is 0.7999999999999999; 1.255 is stored just below it, so it rounds down as its double says.
    expect(through([{ round: { decimals: 3 } }], [0.1 + 0.7, 8.675000000000001])).toEqual([0.8, 8.675]);
    expect(through([{ round: { decimals: 2 } }], [1.255])).toEqual([Number('1.25')]);
  });

  it('passes strings and booleans through numeric filters unchanged', () => {
    expect(through([{ offset: 1 }, { multiply: 3 }, { clamp: { max: 0 } }, { round: { decimals: 0 } }, { range: { min: 0, max: 1, action: 'drop' } }], ['open', true, false])).toEqual(['open', true, false]);
  });

  it('range drops or flags a value outside it and leaves the rest unflagged', () => {
    expect(through([{ range: { min: 0, max: 5, action: 'drop' } }], [-0.1, 0, 5, 5.1, 3])).toEqual([0, 5, 3]);
    const run = chainOf([{ range: { min: 0, max: 5, action: 'flag' } }]);
    for (const value of [-0.1, 2, 5.1]) run.push(value);
    expect(run.readings.map(({ value, outOfRange }) => [value, outOfRange])).toEqual([
      [-0.1, 'below'],
      [2, undefined],
      [5.1, 'above'],
    ]);
    expect('outOfRange' in run.readings[1]!).toBe(false);
  });
});

describe('calibration', () => {
  it('two points give the line through them: each maps to its true value', () => {
    expect(through([{ calibrate_linear: [[0.1, 0.12], [2.0, 2.05]] }], [0.1, 2.0, 1.05])).toEqual([0.12, 2.05, expect.closeTo(1.085, 12)]);
  });

  it('more points give the least-squares line', () => {
    // y = 2x + 1 with residuals +0.1, -0.1, -0.1, +0.1 that cancel: the fit is exactly that line.
    const fit = fitPolynomial([[0, 1.1], [1, 2.9], [2, 4.9], [3, 7.1]], 1);
    expect('coefficients' in fit && fit.coefficients.map((c) => Number(c.toFixed(12)))).toEqual([1, 2]);
    expect(through([{ calibrate_linear: [[0, 1.1], [1, 2.9], [2, 4.9], [3, 7.1]] }], [10])).toEqual([expect.closeTo(21, 10)]);
  });

  it('a polynomial through points it fits exactly gives them back, and given coefficients are used as they are', () => {
    // y = 0.5 + 2x - 0.25x² at five points.
    const points = [-2, -1, 0, 1.5, 4].map((x) => [x, 0.5 + 2 * x - 0.25 * x * x]);
    const fit = fitPolynomial(points as [number, number][], 2);
    expect('coefficients' in fit && fit.coefficients.map((c) => Number(c.toFixed(10)))).toEqual([0.5, 2, -0.25]);
    expect(through([{ calibrate_polynomial: { degree: 2, points } }], [3])).toEqual([expect.closeTo(0.5 + 6 - 2.25, 10)]);
    expect(through([{ calibrate_polynomial: { coefficients: [1, 0, 2] } }], [3, -1])).toEqual([19, 3]);
    expect(evaluate([1, 0, 2], 3)).toBe(19);
  });

  it('the least-squares quadratic minimises the squared error of noisy points', () => {
    const points: [number, number][] = [[0, 0], [1, 1.1], [2, 4.3], [3, 9.2], [4, 15.8]];
    const fit = fitPolynomial(points, 2);
    if (!('coefficients' in fit)) throw new Error(fit.reason);
    const error = (c: readonly number[]) => points.reduce((sum, [x, y]) => sum + (evaluate(c, x) - y) ** 2, 0);
    const best = error(fit.coefficients);
    // Any nudge of any coefficient makes the error larger.
    for (let index = 0; index < 3; index++) for (const nudge of [-1e-4, 1e-4]) expect(error(fit.coefficients.map((c, i) => (i === index ? c + nudge : c)))).toBeGreaterThan(best);
  });

  it('refuses fits the points cannot determine', () => {
    expect(fitPolynomial([[1, 2], [1, 3]], 1)).toEqual({ reason: 'a degree 1 fit needs at least 2 different measured values; got 1' });
    expect(fitPolynomial([[0, 0], [1, 1], [1, 2], [0, 3]], 2)).toEqual({ reason: 'a degree 2 fit needs at least 3 different measured values; got 2' });
  });
});
