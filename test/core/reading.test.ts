import { describe, expect, it } from 'vitest';
import { copyReading, type Reading } from '../../src/core/reading.js';

describe('copyReading', () => {
  const full: Reading = { name: 't', value: 21.5, unit: 'Cel', time: 1_000, monotonic: 5, outOfRange: 'above', clock: 'untrusted' };

  it('keeps every field of the reading and applies the changes, leaving the source as it was', () => {
    const copy = copyReading(full, { time: 2_000, value: false });
    expect(copy).toStrictEqual({ ...full, time: 2_000, value: false });
    expect(copy).not.toBe(full);
    expect(full.time).toBe(1_000);
  });

  it('adds a field the reading lacked, and keeps falsy values that are changes', () => {
    const bare: Reading = { name: 'n', value: 3, time: 10 };
    expect(copyReading(bare, { monotonic: 0 })).toMatchObject({ name: 'n', value: 3, time: 10, monotonic: 0 });
    expect(copyReading(bare, { value: '' }).value).toBe('');
    expect(copyReading(full, { monotonic: undefined }).monotonic).toBe(5);
  });

  it('gives every copy the same fields in the same order, whatever the shape of its source', () => {
    // Sources of many shapes, as drivers and filters make them: one hidden class for all copies.
    const shapes: Reading[] = [{ name: 'a', value: 1, time: 1 }, { name: 'b', value: 1, time: 1, unit: 'm' }, full, { unit: 'Pa', name: 'c', time: 2, value: 'x' }];
    const keys = new Set(shapes.map((reading) => Object.keys(copyReading(reading, { monotonic: 1 })).join()));
    expect([...keys]).toEqual(['name,value,unit,time,monotonic,outOfRange,clock']);
  });
});
