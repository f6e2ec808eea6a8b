import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FirmwareIdentity } from '../../../src/core/firmware.js';
import { findFirmwareBanner, parseFirmwareBanner } from '../../../src/drivers/lines/banner.js';
import { linesDriver } from '../../../src/drivers/lines/index.js';
import type { BytesDriverInstance } from '../../../src/drivers/driver.js';
import { baseContext, sensorBindings } from '../../support/driver-harness.js';

describe('the firmware banner', () => {
  it('names the sketch, the version the build stamped and the board', () => {
    expect(parseFirmwareBanner('# firmware weather-station 0.1.0-5-g1a2b3c4 arduino-uno')).toEqual({ sketch: 'weather-station', version: '0.1.0-5-g1a2b3c4', board: 'arduino-uno' });
    expect(parseFirmwareBanner('# firmware lines-analog 0.1.0-g417459b-dirty arduino-mega\r')).toEqual({ sketch: 'lines-analog', version: '0.1.0-g417459b-dirty', board: 'arduino-mega' });
    // An IDE build has no version stamped in.
    expect(parseFirmwareBanner('# firmware weather-station unknown arduino-nano')).toEqual({ sketch: 'weather-station', version: 'unknown', board: 'arduino-nano' });
  });

  it('leaves every other comment a comment', () => {
    for (const line of [
      '# fieldnode weather-station sketch, format kv, every 1000 ms',
      '# BME280 not found',
      '# firmware weather-station 0.1.0',
      '# firmware weather-station 0.1.0 arduino-uno extra',
      '# firmware  weather-station 0.1.0 arduino-uno',
      '#firmware weather-station 0.1.0 arduino-uno',
      '# firmware weather-station 0.1.0 Arduino-Uno',
      '# firmware weather-station 0.1.0 arduino-uno-',
      `# firmware ${'s'.repeat(65)} 0.1.0 arduino-uno`,
      `# firmware weather-station ${'9'.repeat(65)} arduino-uno`,
      `# firmware weather-station 0.1.0 ${'b'.repeat(65)}`,
      '# firmware weather-station 0.1.\u00e90 arduino-uno',
    ]) {
      expect(parseFirmwareBanner(line), line).toBeUndefined();
    }
  });

  it('reads back every identity a sketch can print, and nothing from noise', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    const identity = fc.record({
      sketch: fc.stringMatching(/^[A-Za-z0-9][\w.-]{0,20}$/),
      version: fc.stringMatching(/^[\x21-\x7e]{1,30}$/),
      board: fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join('-')),
    });
    fc.assert(
      fc.property(identity, (printed: FirmwareIdentity) => {
        expect(parseFirmwareBanner(`# firmware ${printed.sketch} ${printed.version} ${printed.board}`)).toEqual(printed);
      }),
    );
    fc.assert(fc.property(fc.string(), (noise) => parseFirmwareBanner(noise) === undefined || noise.startsWith('# firmware ')));
  });
});

describe('a banner after a line a reset cut short', () => {
  it('is found at the end of the line, with the cut part', () => {
    expect(findFirmwareBanner('t=21.5,h=5# firmware weather-station 0.1.0 arduino-uno')).toEqual({ firmware: { sketch: 'weather-station', version: '0.1.0', board: 'arduino-uno' }, cut: 't=21.5,h=5' });
    expect(findFirmwareBanner('# firmware weather-station 0.1.0 arduino-uno')).toEqual({ firmware: { sketch: 'weather-station', version: '0.1.0', board: 'arduino-uno' }, cut: '' });
    expect(findFirmwareBanner('t=21.5,h=55.2')).toBeUndefined();
    expect(findFirmwareBanner('t=1# firmware weather-station')).toBeUndefined();
  });
});

describe('the lines driver and the banner', () => {
  it('tells the board what firmware it runs at each reset, and reads no value from the banner', () => {
    const identified: FirmwareIdentity[] = [];
    const context = { ...baseContext(), write: () => Promise.resolve(), identify: (firmware: FirmwareIdentity) => void identified.push(firmware) };
    const device = { boardId: 'station', path: 'boards[0]', options: { format: 'kv' as const, delimiter: ',' }, sensors: sensorBindings([['temperature', 'Cel', { key: 't', as: 'number' as const, scale: 1, offset: 0 }]]) };
    const instance = linesDriver.create(device, context) as BytesDriverInstance;
    instance.onLine?.('# firmware weather-station 0.1.0-5-g1a2b3c4 arduino-uno\r');
    instance.onLine?.('# fieldnode weather-station sketch, format kv, every 1000 ms\r');
    instance.onLine?.('t=21.5\r');
    instance.onLine?.('# firmware weather-station 0.1.0-6-gabcdef0 arduino-uno\r');
    // A reset while the sketch printed: the cut line and the banner arrive as one line.
    instance.onLine?.('# fieldnode weather-st# firmware weather-station 0.1.0-6-gabcdef0 arduino-uno\r');
    instance.onLine?.('t=22.5# firmware weather-station 0.1.0-6-gabcdef0 arduino-uno\r');
    expect(identified).toEqual([
      { sketch: 'weather-station', version: '0.1.0-5-g1a2b3c4', board: 'arduino-uno' },
      ...Array.from({ length: 3 }, () => ({ sketch: 'weather-station', version: '0.1.0-6-gabcdef0', board: 'arduino-uno' })),
    ]);
    // The cut value (22.5 may have been 22.53) is not read; a cut comment is not a problem.
    expect(context.readings.map((reading) => [reading.name, reading.value])).toEqual([['temperature', 21.5]]);
    expect(context.problems.snapshot()).toEqual({ 'partial-line': 1 });
  });
});
