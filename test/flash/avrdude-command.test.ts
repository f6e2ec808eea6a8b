import { describe, expect, it } from 'vitest';
import { loadBoardProfile } from '../../src/boards/load.js';
import { avrdudeArguments, FlashUsageError, formatCommand, selectUpload } from '../../src/flash/avrdude-command.js';
import { builtHexPath, planFlash } from '../../src/flash/flash-board.js';
import { packageRoot } from '../../src/package-root.js';

/** The avrdude command for a board as the Arduino IDE would run it (boards.txt, platform.txt). */
const command = (board: string, bootloader?: string) => formatCommand('avrdude', avrdudeArguments(selectUpload(loadBoardProfile(board), bootloader), '/dev/ttyACM0', 'sketch.hex'));

describe('the avrdude command of each board', () => {
  it('speaks each bootloader at the rate boards.txt gives', () => {
    expect(command('arduino-uno')).toBe('avrdude -patmega328p -carduino -P/dev/ttyACM0 -b115200 -D -Uflash:w:sketch.hex:i');
    expect(command('arduino-nano')).toBe('avrdude -patmega328p -carduino -P/dev/ttyACM0 -b115200 -D -Uflash:w:sketch.hex:i');
    expect(command('arduino-nano', 'atmegaboot')).toBe('avrdude -patmega328p -carduino -P/dev/ttyACM0 -b57600 -D -Uflash:w:sketch.hex:i');
    expect(command('arduino-mega')).toBe('avrdude -patmega2560 -cwiring -P/dev/ttyACM0 -b115200 -D -Uflash:w:sketch.hex:i');
  });

  it('names the bootloaders a board has when asked for another', () => {
    expect(() => selectUpload(loadBoardProfile('arduino-nano'), 'caterina')).toThrow(new FlashUsageError('arduino-nano has no bootloader "caterina": choose optiboot or atmegaboot'));
    expect(() => selectUpload({ id: 'bare', upload: [] })).toThrow(/says nothing about how to flash it/);
  });

  it('quotes what a shell would split', () => {
    expect(formatCommand('avrdude', ['-Uflash:w:/home/tech/my sketch.hex:i', "-P/dev/it's"])).toBe(`avrdude '-Uflash:w:/home/tech/my sketch.hex:i' '-P/dev/it'\\''s'`);
  });
});

describe('what to flash', () => {
  it('takes a sketch from the firmware build, or the --hex given', () => {
    const plan = planFlash({ board: 'arduino-uno', sketch: 'weather-station', port: '/dev/ttyACM0' });
    expect(plan.hexPath).toBe(`${packageRoot()}/dist/firmware/weather-station/arduino-uno.hex`);
    expect(plan.attempt).toMatchObject({ boardId: 'arduino-uno', boardName: 'Arduino Uno R3', upload: { bootloader: 'optiboot' }, otherBootloaders: [] });
    expect(planFlash({ board: 'arduino-nano', hex: 'mine.hex', port: '/dev/ttyUSB0', bootloader: 'atmegaboot' })).toMatchObject({ hexPath: 'mine.hex', attempt: { otherBootloaders: [{ bootloader: 'optiboot' }] } });
  });

  it('says what is wrong with a board, sketch or bootloader the profiles do not have', () => {
    const sketches = loadBoardProfile('arduino-uno').sketches;
    expect(() => builtHexPath('arduino-uno', sketches, undefined)).toThrow('say what to flash: --sketch <name> (built by npm run build:firmware) or --hex <file>');
    expect(() => builtHexPath('arduino-uno', sketches, 'blink')).toThrow('arduino-uno runs no sketch "blink": choose weather-station, StandardFirmata');
    expect(() => builtHexPath('arduino-uno', sketches, 'StandardFirmata')).toThrow(/library example fieldnode does not build/);
    expect(() => planFlash({ board: 'arduino-due', sketch: 'x', port: 'p' })).toThrow('unknown board "arduino-due": choose arduino-mega, arduino-nano, arduino-uno');
    expect(() => planFlash({ board: '../arduino-uno', sketch: 'x', port: 'p' })).toThrow(/unknown board/);
    expect(() => planFlash({ board: 'raspberry-pi-4', sketch: 'x', port: 'p' })).toThrow('raspberry-pi-4 is not flashed with avrdude: choose arduino-mega, arduino-nano, arduino-uno');
  });
});
