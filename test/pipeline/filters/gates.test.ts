/**
 * delta and throttle: tables of readings on virtual time with the exact ones that pass, and
 * delta's promise as a property: a value is sent exactly when it moved more than the threshold
 * from the last value sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeltaGate } from '../../../src/pipeline/filters/gates.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../../drivers/frame-properties.js';
import { play } from './run-chain.js';

describe('delta', () => {
  it.each([
    [{ absolute: 0.01 }, [1, 1.005, 1.0101, 1.015, 1.021, 0.99], [1, 1.0101, 1.021, 0.99]],
    [{ absolute: 0 }, [2, 2, 2.0000001, 2.0000001], [2, 2.0000001]],
    [{ percent: 10 }, [100, 109, 111, 100, 99], [100, 111, 99]],
    [{ percent: 10 }, [0, 0, 0.001], [0, 0.001]],
    [{ absolute: 50, percent: 1 }, [1000, 1009, 1011, 1012, 1080], [1000, 1011, 1080]],
    [{ absolute: 1 }, [1, NaN, NaN, 1, 1.5], [1, NaN, 1]],
  ])('%j sends %j as %j', (options, inputs, outputs) => {
    const run = play([{ delta: options }], inputs.map((value, index) => [index * 1000, value]));
    expect(run.values()).toEqual(outputs);
  });

  it('always sends the first value and passes strings and booleans unchanged', () => {
    const run = play([{ delta: { absolute: 100 } }], [[0, 5], [1, 'x'], [2, 'x'], [3, true], [4, 6]]);
    expect(run.values()).toEqual([5, 'x', 'x', true]);
  });

  it(
    'sends a value exactly when it moved more than the threshold from the last one sent',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.record({ absolute: fc.double({ min: 0, max: 100, noNaN: true }) }), fc.record({ percent: fc.double({ min: 0, max: 50, noNaN: true }) })),
          fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 30 }),
          (options, values) => {
            const gate = new DeltaGate(options);
            let last: number | undefined;
            for (const value of values) {
              const threshold = 'absolute' in options ? options.absolute : (Math.abs(last ?? 0) * options.percent) / 100;
              const expected = last === undefined || Math.abs(value - last) > threshold;
              expect(gate.passes(value)).toBe(expected);
              if (expected) last = value;
            }
          },
        ),
        { numRuns: PROPERTY_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('throttle', () => {
  it('passes the first reading, then none until the interval has passed since the last one passed', () => {
    const run = play([{ throttle: { intervalMs: 10_000 } }], [[0, 1], [3000, 2], [9999, 3], [10_000, 4], [15_000, 5], [19_999, 6], [20_000, 7], [45_000, 8]]);
    expect(run.sent()).toEqual([
      [0, 'level', 1],
      [10_000, 'level', 4],
      [20_000, 'level', 7],
      [45_000, 'level', 8],
    ]);
  });

  it('measures the interval on the monotonic clock: a wall clock jump changes nothing', () => {
    const run = play([{ throttle: { intervalMs: 10_000 } }], [[0, 1]]);
    run.clock.jumpWallClock(Date.UTC(2030, 0, 1));
    run.clock.advance(5000);
    run.push(2);
    expect(run.values()).toEqual([1]);
  });
});
