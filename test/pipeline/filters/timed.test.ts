/**
 * The filters that act as time passes, on virtual time: heartbeat, timeout, debounce,
 * throttle_average and aggregate. Each table gives the readings in with their times and the
 * exact readings out with theirs.
 */
import { describe, expect, it } from 'vitest';
import { play, START } from './run-chain.js';

describe('heartbeat', () => {
  it('passes every reading and re-sends the last, stamped now, when the interval passes without a send', () => {
    const run = play([{ heartbeat: { intervalMs: 60_000 } }], [[0, 1], [30_000, 2], [200_000, 3]], 300_000);
    expect(run.sent()).toEqual([
      [0, 'level', 1],
      [30_000, 'level', 2],
      [90_000, 'level', 2],
      [150_000, 'level', 2],
      [200_000, 'level', 3],
      [260_000, 'level', 3],
    ]);
    expect(run.readings[2]).toEqual({ name: 'level', unit: 'm', value: 2, time: START + 90_000, monotonic: 90_000 });
  });

  it('after delta: a steady value is still heard from, a change at once', () => {
    const run = play([{ delta: { absolute: 0.1 } }, { heartbeat: { intervalMs: 60_000 } }], [[0, 1], [10_000, 1.05], [50_000, 1.01], [70_000, 1.5], [100_000, 1.52]], 131_000);
    expect(run.sent()).toEqual([
      [0, 'level', 1],
      [60_000, 'level', 1],
      [70_000, 'level', 1.5],
      [130_000, 'level', 1.5],
    ]);
  });

  it('sends nothing before the first reading', () => {
    const run = play([{ heartbeat: { intervalMs: 1000 } }], [], 10_000);
    expect(run.sent()).toEqual([]);
    expect(run.clock.pendingTimers()).toBe(0);
  });
});

describe('timeout', () => {
  it('counts a silence once, sends its value once, and logs the sensor reading again', () => {
    const run = play([{ timeout: { afterMs: 120_000, value: 0 } }], [[0, 1.2], [60_000, 1.3], [500_000, 1.4], [560_000, 1.5]], 700_000);
    expect(run.sent()).toEqual([
      [0, 'level', 1.2],
      [60_000, 'level', 1.3],
      [180_000, 'level', 0],
      [500_000, 'level', 1.4],
      [560_000, 'level', 1.5],
      [680_000, 'level', 0],
    ]);
    expect(run.problems.total('sensor-silent')).toBe(2);
    const messages = run.logger.entries.map((entry) => `${entry.level} ${entry.message}`);
    expect(messages.filter((message) => message.includes('silent: no reading for 120000 ms'))).toHaveLength(2);
    expect(messages.filter((message) => message === 'info sensor level reads again')).toHaveLength(1);
  });

  it('counts a sensor silent from the start, and without a value sends nothing', () => {
    const run = play([{ timeout: { afterMs: 5000 } }], [], 60_000);
    expect(run.sent()).toEqual([]);
    expect(run.problems.snapshot()).toEqual({ 'sensor-silent': 1 });
  });
});

describe('debounce', () => {
  it('lets a new state through once it held for ms, as the reading that started it', () => {
    const run = play([{ debounce: { ms: 500 } }], [[0, false], [600, false], [1000, true], [1100, false], [1200, true], [1300, true], [1800, true], [2000, false], [2400, true]], 5000);
    expect(run.sent()).toEqual([
      [500, 'level', false],
      [600, 'level', false],
      // true at 1000 held only 100 ms; false is the state already sent, so it goes on at once.
      [1100, 'level', false],
      [1700, 'level', true],
      [1800, 'level', true],
      // false at 2000 did not hold.
      [2400, 'level', true],
    ]);
    expect(run.readings[3]!.monotonic).toBe(1200);
  });
});

describe('throttle_average', () => {
  it('sends the mean of each interval at its end, nothing for an empty one, strings at once', () => {
    const run = play([{ throttle_average: { intervalMs: 60_000 } }], [[0, 1], [20_000, 2], [59_000, 6], [61_000, 'x'], [200_000, 10], [210_000, NaN]], 400_000);
    expect(run.sent()).toEqual([
      [60_000, 'level', 3],
      [61_000, 'level', 'x'],
      [260_000, 'level', 10],
    ]);
    expect(run.readings[0]).toEqual({ name: 'level', unit: 'm', value: 3, time: START + 60_000, monotonic: 60_000 });
  });
});

describe('aggregate', () => {
  it('sends <name>_min, _mean and _max of each window, stamped at its end', () => {
    const run = play([{ aggregate: { intervalMs: 60_000 } }], [[0, 2], [10_000, 4], [50_000, 9], [130_000, 5]], 300_000);
    expect(run.sent()).toEqual([
      [60_000, 'level_min', 2],
      [60_000, 'level_mean', 5],
      [60_000, 'level_max', 9],
      [190_000, 'level_min', 5],
      [190_000, 'level_mean', 5],
      [190_000, 'level_max', 5],
    ]);
    expect(run.readings[1]).toEqual({ name: 'level_mean', unit: 'm', value: 5, time: START + 60_000, monotonic: 60_000 });
  });

  it('sends the subset listed, and the filters after it run per series', () => {
    const run = play(
      [{ aggregate: { intervalMs: 1000, send: ['max', 'min'] } }, { delta: { absolute: 1 } }],
      [[0, 1], [100, 5], [1500, 1.5], [1600, 5.5], [3000, 3], [3100, 8]],
      10_000,
    );
    // min 1 → 1.5 (no change over 1) → 3 (sent); max 5 → 5.5 (not) → 8 (sent): each compared with its own last.
    expect(run.sent()).toEqual([
      [1000, 'level_min', 1],
      [1000, 'level_max', 5],
      [4000, 'level_min', 3],
      [4000, 'level_max', 8],
    ]);
  });
});

describe('stopping a chain', () => {
  it('cancels every timer and sends what an open window holds', () => {
    const run = play([{ timeout: { afterMs: 1000 } }, { throttle_average: { intervalMs: 60_000 } }, { heartbeat: { intervalMs: 5000 } }], [[0, 1], [10, 3]], 20);
    expect(run.clock.pendingTimers()).toBe(2);
    run.chain.stop();
    expect(run.clock.pendingTimers()).toBe(0);
    expect(run.sent()).toEqual([[20, 'level', 2]]);
    run.clock.advance(100_000);
    expect(run.sent()).toHaveLength(1);
    expect(run.problems.total('sensor-silent')).toBe(0);
  });

  it('still filters a reading pushed after the stop, but starts no timer for it', () => {
    const run = play([{ multiply: 2 }, { heartbeat: { intervalMs: 5000 } }, { debounce: { ms: 100 } }], [], 0);
    run.chain.stop();
    run.chain.stop();
    run.push(4);
    expect(run.clock.pendingTimers()).toBe(0);
    run.clock.advance(10_000);
    expect(run.sent()).toEqual([]);
    const plain = play([{ multiply: 2 }, { delta: { absolute: 1 } }], [], 0);
    plain.chain.stop();
    plain.push(4);
    expect(plain.values()).toEqual([8]);
  });
});
