/**
 * Whatever a driver hands them, filters never throw: any finite number, NaN, the infinities,
 * booleans and strings, through every filter and through random chains of them, on virtual
 * time. And clamp and range (drop) never let a number outside their bounds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../src/core/reading.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../../drivers/frame-properties.js';
import { chainOf } from './run-chain.js';

/** One valid config of each filter. */
const EVERY_FILTER: unknown[] = [
  { offset: -0.02 },
  { multiply: 0.001 },
  { calibrate_linear: [[0.1, 0.12], [2, 2.05]] },
  { calibrate_polynomial: { degree: 2, points: [[0, 0], [1, 1.1], [2, 4.3], [3, 9.2]] } },
  { calibrate_polynomial: { coefficients: [1, -2, 0.5] } },
  { clamp: { min: 0, max: 5 } },
  { range: { min: 0, max: 5, action: 'drop' } },
  { range: { min: 0, action: 'flag' } },
  { median: { window: 5, sendEvery: 2 } },
  { mean: { window: 3 } },
  { min: { window: 4, sendEvery: 3, sendFirstAt: 2 } },
  { max: { window: 2 } },
  { ema: { alpha: 0.2, sendEvery: 2 } },
  { throttle: { intervalMs: 1000 } },
  { throttle_average: { intervalMs: 2000 } },
  { delta: { absolute: 0.01 } },
  { delta: { percent: 2 } },
  { heartbeat: { intervalMs: 3000 } },
  { timeout: { afterMs: 2500, value: 0 } },
  { debounce: { ms: 500 } },
  { round: { decimals: 3 } },
  { aggregate: { intervalMs: 1500, send: ['min', 'max'] } },
];

const anyValue: fc.Arbitrary<Reading['value']> = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, Number.MAX_VALUE, -Number.MIN_VALUE),
  fc.integer(),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
);
const events = fc.array(fc.tuple(fc.integer({ min: 0, max: 4000 }), anyValue), { maxLength: 20 });

describe('no filter throws', () => {
  it(
    'on any value, alone or in any chain, and leaves no timer once stopped',
    () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...EVERY_FILTER), { minLength: 1, maxLength: 5 }), events, (filters, stream) => {
          const run = chainOf(filters);
          for (const [gapMs, value] of stream) {
            run.clock.advance(gapMs);
            run.push(value);
          }
          run.clock.advance(10_000);
          run.chain.stop();
          expect(run.clock.pendingTimers()).toBe(0);
          for (const reading of run.readings) expect(['number', 'string', 'boolean']).toContain(typeof reading.value);
        }),
        { numRuns: PROPERTY_RUNS / 10 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('bounds hold', () => {
  const numbers = fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(Infinity, -Infinity)), { maxLength: 20 });
  const bounds = fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true })).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

  it(
    'clamp puts every number inside [min, max]; range (drop) sends only those inside, unchanged',
    () => {
      fc.assert(
        fc.property(bounds, numbers, ([min, max], values) => {
          const clamp = chainOf([{ clamp: { min, max } }]);
          const range = chainOf([{ range: { min, max, action: 'drop' } }]);
          for (const value of values) {
            clamp.push(value);
            range.push(value);
          }
          expect(clamp.values()).toHaveLength(values.length);
          for (const value of clamp.values() as number[]) expect(value >= min && value <= max).toBe(true);
          expect(range.values()).toEqual(values.filter((value) => value >= min && value <= max));
        }),
        { numRuns: PROPERTY_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('NaN, which is no measurement, passes clamp and range as NaN', () => {
    const clamp = chainOf([{ clamp: { min: 0, max: 1 } }, { range: { min: 0, max: 1, action: 'drop' } }]);
    clamp.push(NaN);
    expect(clamp.values()).toEqual([NaN]);
  });
});
