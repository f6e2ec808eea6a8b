import { describe, expect, it } from 'vitest';
import { SequenceTracker } from '../../src/consumer/sequence.js';

describe('SequenceTracker', () => {
  it('tells new from duplicate, in order or not', () => {
    const tracker = new SequenceTracker();
    expect([1, 2, 2, 3, 1].map((seq) => tracker.accept(seq).fresh)).toEqual([true, true, false, true, false]);
    expect(tracker.missing()).toEqual([]);
  });

  it('opens a gap when numbers skip and closes it when the late ones arrive', () => {
    const tracker = new SequenceTracker();
    tracker.accept(1);
    expect(tracker.accept(5)).toEqual({ fresh: true, opened: { from: 2, to: 4 } });
    expect(tracker.accept(9)).toEqual({ fresh: true, opened: { from: 6, to: 8 } });
    expect(tracker.missing()).toEqual([
      { from: 2, to: 4 },
      { from: 6, to: 8 },
    ]);
    for (const seq of [3, 2, 4, 7]) tracker.accept(seq);
    expect(tracker.missing()).toEqual([
      { from: 6, to: 6 },
      { from: 8, to: 8 },
    ]);
    expect(tracker.accept(7).fresh).toBe(false);
  });
});

describe('SequenceTracker memory bound', () => {
  it('gives up a hole once too many later numbers wait above it', () => {
    const tracker = new SequenceTracker(3);
    tracker.accept(1);
    expect(tracker.accept(3)).toEqual({ fresh: true, opened: { from: 2, to: 2 } });
    tracker.accept(4);
    tracker.accept(5);
    expect(tracker.accept(6)).toEqual({ fresh: true, lost: [{ from: 2, to: 2 }] });
    expect(tracker.lost).toBe(1);
    expect(tracker.missing()).toEqual([]);
    expect(tracker.accept(2).fresh).toBe(false);
  });
});
