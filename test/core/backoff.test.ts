/**
 * The backoff's delays: the ceiling's growth, the floor, and that the draws cover the whole
 * range from the floor to the ceiling evenly (full jitter), checked on a seeded source so the
 * statistics are the same on every run.
 */
import { describe, expect, it } from 'vitest';
import { Backoff, MIN_DELAY_MS } from '../../src/core/backoff.js';
import { SeededRandom } from '../../simulators/models/random.js';

const seeded = (seed: number) => {
  const random = new SeededRandom(seed);
  return () => random.next();
};

describe('backoff', () => {
  it('doubles its ceiling up to the cap, never goes below the floor, and resets', () => {
    const high = new Backoff({ initialDelayMs: 1000, maxDelayMs: 8000 }, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([1000, 2000, 4000, 8000, 8000]);
    const low = new Backoff({ initialDelayMs: 1000, maxDelayMs: 8000 }, () => 0);
    expect([1, 2, 3].map(() => low.next())).toEqual([MIN_DELAY_MS, MIN_DELAY_MS, MIN_DELAY_MS]);
    high.reset();
    expect(high.next()).toBe(1000);
  });

  it('lowers the cap for one attempt only', () => {
    const backoff = new Backoff({ initialDelayMs: 1000, maxDelayMs: 60_000 }, () => 1);
    expect([1, 2, 3, 4].map(() => backoff.next(5000))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoff.next()).toBe(16_000);
  });

  it('keeps a ceiling below the floor as it is, and takes a floor of its own', () => {
    expect(new Backoff({ initialDelayMs: 10, maxDelayMs: 40 }, () => 0).next()).toBe(10);
    const once = new Backoff({ initialDelayMs: 600_000, maxDelayMs: 600_000, minDelayMs: 600_000 }, () => 0);
    expect(once.next()).toBe(600_000);
  });

  it('spreads the delays evenly from the floor to the whole ceiling', () => {
    const random = seeded(42);
    const ceilingMs = 5000;
    const draws = Array.from({ length: 20_000 }, () => new Backoff({ initialDelayMs: ceilingMs, maxDelayMs: ceilingMs }, random).next());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(MIN_DELAY_MS);
    expect(Math.max(...draws)).toBeLessThanOrEqual(ceilingMs);
    // Ten equal bins over [floor, ceiling]: each holds a tenth, within 5 % of it (about 4 standard deviations).
    const binMs = (ceilingMs - MIN_DELAY_MS) / 10;
    const bins = Array.from({ length: 10 }, () => 0);
    for (const draw of draws) bins[Math.min(9, Math.floor((draw - MIN_DELAY_MS) / binMs))]! += 1;
    const offTheEvenShare = bins.filter((count) => Math.abs(count - draws.length / 10) > draws.length / 10 / 20);
    expect(offTheEvenShare).toEqual([]);
    // Half the nodes are back in the first half of the ceiling, where equal jitter put none.
    const firstHalf = draws.filter((draw) => draw < ceilingMs / 2).length / draws.length;
    expect(firstHalf).toBeGreaterThan(0.47);
    expect(firstHalf).toBeLessThan(0.51);
  });
});
