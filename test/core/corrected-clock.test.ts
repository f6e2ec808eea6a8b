import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { CorrectedClock, SANE_CLOCK_FLOOR_MS } from '../../src/core/corrected-clock.js';
import { memoryLogger } from '../support/memory-logger.js';

describe('CorrectedClock', () => {
  it('takes a GPS time when the machine booted in 1970, and keeps monotonic time untouched', () => {
    const base = new VirtualClock(5_000);
    const logger = memoryLogger();
    const clock = new CorrectedClock(base, logger);
    expect(clock.isSet).toBe(false);
    const gps = Date.UTC(2026, 10, 21, 6, 0, 0);
    clock.offer(gps, 'gps');
    expect(clock.now()).toBe(gps);
    expect(clock.isSet).toBe(true);
    base.advance(1500);
    expect(clock.now()).toBe(gps + 1500);
    expect(clock.monotonic()).toBe(1500);
    expect(logger.entries[0]?.message).toMatch(/^wall clock corrected from gps by \d+\.\d s$/);
  });

  it('leaves small drift to NTP, corrects large drift, and ignores absurd offers', () => {
    const base = new VirtualClock(Date.UTC(2026, 0, 1));
    const clock = new CorrectedClock(base, memoryLogger());
    clock.offer(base.now() + 1500, 'gps');
    expect(clock.now()).toBe(base.now());
    clock.offer(base.now() + 60_000, 'gps');
    expect(clock.now()).toBe(base.now() + 60_000);
    clock.offer(SANE_CLOCK_FLOOR_MS - 1, 'gps');
    clock.offer(Number.NaN, 'gps');
    expect(clock.now()).toBe(base.now() + 60_000);
  });
});
