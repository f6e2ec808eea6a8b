import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ProblemCounter } from '../../../src/core/problems.js';
import type { Reading } from '../../../src/core/reading.js';
import { linesDriver } from '../../../src/drivers/lines/index.js';
import type { LinesOptions } from '../../../src/drivers/lines/schema.js';

function start(format: LinesOptions['format'] = 'kv') {
  const clock = new VirtualClock(Date.UTC(2026, 5, 1, 12));
  const problems = new ProblemCounter(silentLogger, clock);
  const readings: Reading[] = [];
  const options = (extra: Partial<LinesOptions>): LinesOptions => ({ format, delimiter: ',', as: 'number', scale: 1, offset: 0, ...extra });
  const driver = linesDriver.create(
    [
      { name: 'temperature', unit: 'Cel', options: options({ key: 't', column: 0 }), path: 'sensors[0]' },
      { name: 'humidity', unit: '%RH', options: options({ key: 'h', column: 1 }), path: 'sensors[1]' },
    ],
    { clock, logger: silentLogger, problems, emit: (reading) => readings.push(reading), write: async () => undefined },
  );
  const onLine = driver.onLine;
  if (!onLine) throw new Error('the lines driver takes lines');
  return { clock, problems, readings, driver: { onLine } };
}

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
