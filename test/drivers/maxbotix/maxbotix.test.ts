import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyRange, decodeMaxbotixLine, encodeMaxbotix, fiveMetreLimits, levelFromRange } from '../../../src/drivers/maxbotix/decode.js';
import { maxbotixDriver } from '../../../src/drivers/maxbotix/index.js';
import { maxbotixDeviceShape, maxbotixSensorShape, refineMaxbotixDevice, type MaxbotixSensorOptions } from '../../../src/drivers/maxbotix/schema.js';
import { harness } from '../../support/driver-harness.js';

const deviceOptions = z.object(maxbotixDeviceShape).superRefine(refineMaxbotixDevice);
const sensorOptions = z.object(maxbotixSensorShape);
const mounted = deviceOptions.parse({ mountHeightMm: 4000 });
const rangeAndLevel: [string, string, MaxbotixSensorOptions][] = [
  ['distance', 'mm', sensorOptions.parse({ field: 'range' })],
  ['level', 'm', sensorOptions.parse({ field: 'level' })],
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
  it('takes the model limits and the mount height once for the device, and wants the limits to leave room', () => {
    expect(deviceOptions.parse({})).toEqual({ minRangeMm: 300, maxRangeMm: 5000 });
    const closed = deviceOptions.safeParse({ minRangeMm: 5000, maxRangeMm: 5000 });
    expect(closed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['minRangeMm', 'must be below maxRangeMm (5000)']]);
    expect(sensorOptions.safeParse({ field: 'depth' }).success).toBe(false);
  });

  it('requires the mount height when a sensor reports level, at the device', () => {
    const binding = (device: Record<string, unknown>, fields: MaxbotixSensorOptions['field'][]) => ({
      boardId: 'river',
      path: 'boards[1]',
      options: deviceOptions.parse(device),
      sensors: fields.map((field, index) => ({ name: `${field}${index}`, unit: undefined, options: { field }, path: `boards[1].sensors[${index}]` })),
    });
    expect(maxbotixDriver.checkDevice?.(binding({}, ['range', 'level', 'level']))).toEqual([
      { path: 'boards[1].device.mountHeightMm', message: expect.stringContaining('boards[1].sensors[1], boards[1].sensors[2] report level') },
    ]);
    expect(maxbotixDriver.checkDevice?.(binding({}, ['range']))).toEqual([]);
    expect(maxbotixDriver.checkDevice?.(binding({ mountHeightMm: 4000 }, ['range', 'level']))).toEqual([]);
  });
});

describe('maxbotix driver', () => {
  it('asks for lines cut at CR', () => {
    expect(harness(maxbotixDriver, mounted, rangeAndLevel).instance.framing).toEqual({ kind: 'lines', delimiter: '\r', maxLineBytes: 64 });
  });

  it('emits range and level from each sound line and counts every other one by kind', () => {
    const under = harness(maxbotixDriver, mounted, rangeAndLevel);
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

  it('judges every line by the limits of the device, given once', () => {
    const under = harness(maxbotixDriver, deviceOptions.parse({ minRangeMm: 500, maxRangeMm: 9999 }), [['distance', 'mm', { field: 'range' }]]);
    for (const line of ['R9998', 'R9999', 'R0400', 'R5000']) under.line(line);
    expect(under.readings.map((reading) => reading.value)).toEqual([9998, 5000]);
    expect(under.problems.snapshot()).toEqual({ 'no-target': 1, 'out-of-range': 1 });
  });
});
