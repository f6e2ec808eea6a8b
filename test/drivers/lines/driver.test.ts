import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { linesDriver } from '../../../src/drivers/lines/index.js';
import { linesDeviceShape, linesSensorShape, refineLinesSensor, type LinesDeviceOptions, type LinesSensorOptions } from '../../../src/drivers/lines/schema.js';
import { harness } from '../../support/driver-harness.js';

const sensorOptions = z.object(linesSensorShape).superRefine(refineLinesSensor);

function start(format: LinesDeviceOptions['format'] = 'kv') {
  const under = harness(linesDriver, { format, delimiter: ',' }, [
    ['temperature', 'Cel', sensorOptions.parse({ key: 't', column: 0 })],
    ['humidity', '%RH', sensorOptions.parse({ key: 'h', column: 1 })],
  ]);
  return { clock: under.clock, problems: under.problems, readings: under.readings, driver: { onLine: (line: string) => under.line(line) } };
}

describe('lines options', () => {
  it('takes the line layout once for the device', () => {
    expect(z.object(linesDeviceShape).parse({})).toEqual({ format: 'kv', delimiter: ',' });
    expect(z.object(linesDeviceShape).safeParse({ format: 'csv', delimiter: ';;' }).success).toBe(false);
  });

  it('scales numbers only', () => {
    expect(sensorOptions.parse({ key: 't' })).toEqual({ key: 't', as: 'number', scale: 1, offset: 0 });
    const scaledText = sensorOptions.safeParse({ key: 'id', as: 'string', scale: 10 });
    expect(scaledText.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['scale', 'scale and offset apply to numbers, not to as: string']]);
  });

  it('wants a column from each sensor of a csv device and a key from each sensor of a kv or json one', () => {
    const device = (format: LinesDeviceOptions['format'], sensors: LinesSensorOptions[]) => ({
      boardId: 'station',
      path: 'boards[0]',
      options: { format, delimiter: ',' },
      sensors: sensors.map((options, index) => ({ name: `s${index}`, unit: undefined, options, path: `boards[0].sensors[${index}]` })),
    });
    const byKey = sensorOptions.parse({ key: 't' });
    const byColumn = sensorOptions.parse({ column: 2 });
    expect(linesDriver.checkDevice?.(device('csv', [byColumn, byKey]))).toEqual([{ path: 'boards[0].sensors[1].column', message: 'required: the device prints csv lines (boards[0].device.format)' }]);
    expect(linesDriver.checkDevice?.(device('json', [byKey, byColumn]))).toEqual([{ path: 'boards[0].sensors[1].key', message: 'required: the device prints json lines (boards[0].device.format)' }]);
    expect(linesDriver.checkDevice?.(device('kv', [byKey]))).toEqual([]);
  });
});

describe('lines driver', () => {
  it('emits one reading per field, stamped with the clock, CR stripped', () => {
    const { clock, readings, driver } = start();
    driver.onLine('t=21.53,h=55.2\r');
    expect(readings).toEqual([
      { name: 'temperature', unit: 'Cel', value: 21.53, time: clock.now() },
      { name: 'humidity', unit: '%RH', value: 55.2, time: clock.now() },
    ]);
  });

  it('counts malformed lines and bad fields, and keeps going', () => {
    const { problems, readings, driver } = start();
    driver.onLine('garbage without pairs');
    driver.onLine('t=oops,h=40');
    driver.onLine('\u0000\u00ff\u00fe');
    driver.onLine('t=20,h=41');
    expect(problems.snapshot()).toEqual({ 'malformed-line': 2, 'bad-field': 1 });
    expect(readings.map((reading) => reading.value)).toEqual([40, 20, 41]);
  });

  it('reads csv columns split by the device delimiter', () => {
    const under = harness(linesDriver, { format: 'csv', delimiter: ';' }, [
      ['temperature', 'Cel', sensorOptions.parse({ column: 0, scale: 0.1 })],
      ['level', 'm', sensorOptions.parse({ column: 2 })],
    ]);
    under.line('215;x;1.25\r');
    under.line('21,5,1.25');
    expect(under.readings.map((reading) => [reading.name, reading.value])).toEqual([
      ['temperature', 21.5],
      ['level', 1.25],
    ]);
    expect(under.problems.snapshot()).toEqual({ 'malformed-line': 1 });
  });

  it('ignores blank lines and # comments such as the reset banner', () => {
    const { problems, readings, driver } = start();
    driver.onLine('# fieldnode weather-station sketch\r');
    driver.onLine('\r');
    expect(readings).toEqual([]);
    expect(problems.snapshot()).toEqual({});
  });

  it('never throws, and accounts for every line: readings, one malformed count, or ignored', () => {
    for (const format of ['kv', 'csv', 'json'] as const) {
      const { driver, problems, readings } = start(format);
      const outcomes = { readings: 0, malformed: 0, ignored: 0 };
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.json(), fc.constantFrom('t=1,h=2', '1,2', '{"t":1,"h":2}')), (line) => {
          const before = { readings: readings.length, malformed: problems.total('malformed-line') };
          driver.onLine(line);
          const text = line.endsWith('\r') ? line.slice(0, -1) : line;
          const ignored = text.trim() === '' || text.startsWith('#');
          const produced = readings.length - before.readings;
          const malformed = problems.total('malformed-line') - before.malformed;
          if (ignored) expect([produced, malformed]).toEqual([0, 0]);
          else expect(produced > 0 ? malformed === 0 : malformed === 1).toBe(true);
          if (ignored) outcomes.ignored++;
          else if (produced > 0) outcomes.readings++;
          else outcomes.malformed++;
        }),
        { numRuns: 2000 },
      );
      expect(outcomes.readings + outcomes.malformed + outcomes.ignored).toBe(2000);
      expect(outcomes.readings).toBeGreaterThan(0);
      expect(outcomes.malformed).toBeGreaterThan(0);
    }
  });
});
