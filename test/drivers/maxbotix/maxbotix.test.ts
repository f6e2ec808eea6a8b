import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyRange, decodeMaxbotixLine, encodeMaxbotix, fiveMetreLimits, levelFromRange } from '../../../src/drivers/maxbotix/decode.js';
import { maxbotixDriver } from '../../../src/drivers/maxbotix/index.js';
import { maxbotixOptionsShape, refineMaxbotixOptions, type MaxbotixOptions } from '../../../src/drivers/maxbotix/schema.js';
import { harness } from '../../support/driver-harness.js';

const options = z.object(maxbotixOptionsShape).superRefine(refineMaxbotixOptions);
const rangeAndLevel: [string, string, MaxbotixOptions][] = [
  ['distance', 'mm', options.parse({ field: 'range' })],
  ['level', 'm', options.parse({ field: 'level', mountHeightMm: 4000 })],
];

describe('maxbotix decoder', () => {
  it('decodes the data sheet line format: R, four digits in mm, CR', () => {
    expect(encodeMaxbotix(480).toString('latin1')).toBe('R0480\r');
    expect(encodeMaxbotix(1234)).toEqual(Buffer.from([0x52, 0x31, 0x32, 0x33, 0x34, 0x0d]));
    expect(decodeMaxbotixLine('R0480')).toEqual({ rangeMm: 480, malformed: [] });
    expect(decodeMaxbotixLine('R4999')).toEqual({ rangeMm: 4999, malformed: [] });
  });

  it('tells distances from the no-target value and readings outside the model limits', () => {
    expect(classifyRange(300, fiveMetreLimits)).toBe('ok');
    expect(classifyRange(4999, fiveMetreLimits)).toBe('ok');
    expect(classifyRange(5000, fiveMetreLimits)).toBe('no-target');
    expect(classifyRange(299, fiveMetreLimits)).toBe('out-of-range');
    expect(classifyRange(5001, fiveMetreLimits)).toBe('out-of-range');
    const tenMetre = { minRangeMm: 500, maxRangeMm: 9999 };
    expect(classifyRange(9998, tenMetre)).toBe('ok');
    expect(classifyRange(9999, tenMetre)).toBe('no-target');
    expect(classifyRange(300, tenMetre)).toBe('out-of-range');
  });

  it('computes the level above the datum exactly at millimetre resolution', () => {
    expect(levelFromRange(1234, 4000)).toBe(2.766);
    expect(levelFromRange(3999, 4000)).toBe(0.001);
    expect(levelFromRange(4250, 4000)).toBe(-0.25); // water below the datum
  });

  it('rejects malformed records and recovers a record glued behind a cut-off one', () => {
    expect(decodeMaxbotixLine('R12x4')).toEqual({ malformed: [{ text: 'R12x4', reason: 'not R and four digits' }] });
    expect(decodeMaxbotixLine('P1234').rangeMm).toBeUndefined();
    expect(decodeMaxbotixLine('R123').rangeMm).toBeUndefined();
    expect(decodeMaxbotixLine('R12345').rangeMm).toBeUndefined();
    expect(decodeMaxbotixLine('R1234 ').rangeMm).toBeUndefined();
    expect(decodeMaxbotixLine('\u00ff\u00fe').malformed).toEqual([{ text: '\u00ff\u00fe', reason: 'no R record' }]);
    expect(decodeMaxbotixLine('R12R1235')).toEqual({ rangeMm: 1235, malformed: [{ text: 'R12', reason: 'cut-off reading before a record' }] });
    expect(decodeMaxbotixLine('\nR1235')).toEqual({ rangeMm: 1235, malformed: [] }); // a stray LF is not a problem
    expect(decodeMaxbotixLine('')).toEqual({ malformed: [] });
  });

  it('renders only what the sensor can print', () => {
    expect(() => encodeMaxbotix(10_000)).toThrow(RangeError);
    expect(() => encodeMaxbotix(12.5)).toThrow(RangeError);
  });
});

describe('maxbotix options', () => {
  it('requires the mount height for a level and sane limits', () => {
    const noHeight = options.safeParse({ field: 'level' });
    expect(noHeight.success).toBe(false);
    expect(noHeight.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['mountHeightMm']);
    expect(options.safeParse({ field: 'range', minRangeMm: 5000, maxRangeMm: 5000 }).success).toBe(false);
    expect(options.parse({ field: 'range' })).toEqual({ field: 'range', minRangeMm: 300, maxRangeMm: 5000 });
  });

  it('makes the sensors of one board agree on the model limits', () => {
    const bindings = [
      { name: 'a', options: options.parse({ field: 'range' }), path: 'sensors[0]' },
      { name: 'b', options: options.parse({ field: 'range', minRangeMm: 500, maxRangeMm: 9999 }), path: 'sensors[1]' },
    ];
    expect(maxbotixDriver.checkBoard?.(bindings)).toEqual([{ path: 'sensors[1].driver.maxRangeMm', message: expect.stringContaining('share its range limits') }]);
    expect(maxbotixDriver.checkBoard?.(bindings.slice(0, 1))).toEqual([]);
  });
});

describe('maxbotix driver', () => {
  it('asks for lines cut at CR', () => {
    expect(harness(maxbotixDriver, rangeAndLevel).instance.framing).toEqual({ kind: 'lines', delimiter: '\r', maxLineBytes: 64 });
  });

  it('emits range and level from each sound line and counts every other one by kind', () => {
    const under = harness(maxbotixDriver, rangeAndLevel);
    for (const line of ['R1234', 'R5000', 'R0120', 'R7000', 'R12x4', 'R0300', 'R12R3400', 'garbage', 'R4999']) under.line(line);
    expect(under.readings.map((reading) => [reading.name, reading.value, reading.unit])).toEqual([
      ['distance', 1234, 'mm'],
      ['level', 2.766, 'm'],
      ['distance', 300, 'mm'],
      ['level', 3.7, 'm'],
      ['distance', 3400, 'mm'],
      ['level', 0.6, 'm'],
      ['distance', 4999, 'mm'],
      ['level', -0.999, 'm'],
    ]);
    expect(under.problems.snapshot()).toEqual({ 'no-target': 1, 'out-of-range': 2, 'malformed-line': 3 });
  });
});
