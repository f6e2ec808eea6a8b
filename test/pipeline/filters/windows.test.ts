/**
 * Sliding windows (median, mean, min, max) and the moving average: tables of exact outputs,
 * ESPHome's sendEvery and sendFirstAt, and agreement with a naive reference on random streams.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MovingAverage, SlidingWindow, type WindowKind } from '../../../src/pipeline/filters/windows.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../../drivers/frame-properties.js';
import { chainOf } from './run-chain.js';

const stepAll = (window: { step(value: number): number | undefined }, values: number[]) => values.map((value) => window.step(value));

describe('sliding windows', () => {
  it.each([
    ['median', [5, 1, 4, 2, 8, 3], [5, 3, 4, 2, 4, 3]],
    ['mean', [3, 6, 9, 0], [3, 4.5, 6, 5]],
    ['min', [3, 6, 9, 0, 12], [3, 3, 3, 0, 0]],
    ['max', [3, 6, 9, 0, 1, 2], [3, 6, 9, 9, 9, 2]],
  ] as const)('%s of the last 3', (kind, inputs, outputs) => {
    expect(stepAll(new SlidingWindow(kind, { window: 3, sendEvery: 1, sendFirstAt: 1 }), [...inputs])).toEqual(outputs);
  });

  it('sends the sendFirstAt-th result, then every sendEvery-th', () => {
    const window = new SlidingWindow('max', { window: 5, sendEvery: 3, sendFirstAt: 2 });
    expect(stepAll(window, [1, 2, 3, 4, 5, 6, 7, 8])).toEqual([undefined, 2, undefined, undefined, 5, undefined, undefined, 8]);
    const esphomeDefault = new SlidingWindow('median', { window: 5, sendEvery: 5, sendFirstAt: 1 });
    expect(stepAll(esphomeDefault, [9, 1, 2, 3, 4, 5])).toEqual([9, undefined, undefined, undefined, undefined, 3]);
  });

  it('leaves NaN out of the statistic, and gives NaN for a window of NaN only', () => {
    expect(stepAll(new SlidingWindow('mean', { window: 2, sendEvery: 1, sendFirstAt: 1 }), [NaN, 4, NaN, NaN])).toEqual([NaN, 4, 4, NaN]);
  });

  it('the moving average starts at the first value and weighs each new one by alpha', () => {
    expect(stepAll(new MovingAverage(0.5, 1), [10, 20, NaN, 0])).toEqual([10, 15, 15, 7.5]);
    // The first result is sent at once, then every second (ESPHome's sendFirstAt 1).
    expect(stepAll(new MovingAverage(0.2, 2), [10, 20, 30])).toEqual([10, undefined, expect.closeTo(15.6, 12)]);
  });

  it('a window in a chain keeps the reading, with the statistic as its value', () => {
    const run = chainOf([{ median: { window: 3 } }]);
    run.push(1);
    run.push('stuck');
    run.push(9);
    expect(run.readings.map(({ name, unit, value }) => [name, unit, value])).toEqual([
      ['level', 'm', 1],
      ['level', 'm', 'stuck'],
      ['level', 'm', 5],
    ]);
  });
});

/** The statistic of the last `window` values as written out from its definition. */
function naive(kind: WindowKind, values: number[], window: number): number {
  const present = values.slice(-window).filter((value) => !Number.isNaN(value));
  if (present.length === 0) return NaN;
  const sorted = [...present].sort((a, b) => a - b);
  if (kind === 'min') return sorted[0]!;
  if (kind === 'max') return sorted.at(-1)!;
  if (kind === 'mean') return present.reduce((sum, value) => sum + value, 0) / present.length;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

describe('sliding windows agree with a naive reference', () => {
  it(
    'for any kind, window, sending pattern and stream of numbers',
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom<WindowKind>('median', 'mean', 'min', 'max'),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 5 }).chain((sendEvery) => fc.tuple(fc.constant(sendEvery), fc.integer({ min: 1, max: sendEvery }))),
          fc.array(fc.oneof(fc.double({ noNaN: false, min: -1e6, max: 1e6 }), fc.integer({ min: -5, max: 5 })), { maxLength: 40 }),
          (kind, window, [sendEvery, sendFirstAt], values) => {
            const filter = new SlidingWindow(kind, { window, sendEvery, sendFirstAt });
            values.forEach((value, index) => {
              const result = filter.step(value);
              const position = index + 1;
              const due = position >= sendFirstAt && (position - sendFirstAt) % sendEvery === 0;
              if (!due) return expect(result).toBeUndefined();
              const expected = naive(kind, values.slice(0, position), window);
              if (kind === 'mean' && !Number.isNaN(expected)) expect(result).toBeCloseTo(expected, 6);
              // 0 and -0 are one value here: which of them a minimum picks is not the point.
              else expect(result === expected || (Number.isNaN(result) && Number.isNaN(expected)), `${result} vs ${expected}`).toBe(true);
            });
          },
        ),
        { numRuns: PROPERTY_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
