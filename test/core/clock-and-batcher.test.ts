import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { LifecycleGroup } from '../../src/core/lifecycle.js';
import { Batcher } from '../../src/pipeline/batcher.js';

describe('VirtualClock', () => {
  it('runs timers in due order only when advanced, and can jump the wall clock alone', () => {
    const clock = new VirtualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 15);
    clock.clearTimeout(cancelled);
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(11);
    expect(fired).toEqual(['a', 'b']);
    clock.jumpWallClock(5_000_000);
    expect(clock.now()).toBe(5_000_000);
    expect(clock.monotonic()).toBe(20);
  });
});

describe('Batcher', () => {
  const make = (maxItems: number, maxDelayMs: number) => {
    const clock = new VirtualClock();
    const batches: number[][] = [];
    const batcher = new Batcher<number>({ maxItems, maxDelayMs, clock, onBatch: (items) => batches.push(items) });
    return { clock, batches, batcher };
  };

  it('sends a batch as soon as it is full', () => {
    const { batches, batcher } = make(3, 1000);
    for (let index = 0; index < 7; index++) batcher.add(index);
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(batcher.pending).toBe(1);
  });

  it('sends a partial batch when its first item has waited the window', () => {
    const { clock, batches, batcher } = make(100, 1000);
    batcher.add(1);
    clock.advance(600);
    batcher.add(2);
    clock.advance(399);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches).toEqual([[1, 2]]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('flushes what is waiting and leaves no timer behind', () => {
    const { clock, batches, batcher } = make(100, 1000);
    batcher.add(1);
    batcher.flush();
    batcher.flush();
    expect(batches).toEqual([[1]]);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('LifecycleGroup', () => {
  it('starts in order, stops in reverse, once, and undoes a half start', async () => {
    const log: string[] = [];
    const member = (name: string, failStart = false) => ({
      start: async () => {
        if (failStart) throw new Error(`${name} failed`);
        log.push(`start ${name}`);
      },
      stop: async () => void log.push(`stop ${name}`),
    });
    const group = new LifecycleGroup([member('a'), member('b')]);
    await group.start();
    await Promise.all([group.stop(), group.stop()]);
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);

    log.length = 0;
    await expect(new LifecycleGroup([member('a'), member('b', true)]).start()).rejects.toThrow('b failed');
    expect(log).toEqual(['start a', 'stop a']);
  });
});
