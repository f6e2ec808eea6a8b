/**
 * `fieldnode flash` as a technician types it: the avrdude command a dry run prints, and the
 * exit status and words of each mistake, before avrdude touches a board.
 */
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { runCli } from '../support/cli.js';

describe('fieldnode flash', () => {
  it('prints the avrdude command a dry run would run, per board and bootloader', async () => {
    const uno = await runCli(['flash', '--board', 'arduino-uno', '--sketch', 'weather-station', '--port', '/dev/ttyACM0', '--dry-run']);
    expect(uno).toMatchObject({ code: 0, stderr: '' });
    expect(uno.stdout).toBe(`avrdude -patmega328p -carduino -P/dev/ttyACM0 -b115200 -D -Uflash:w:${packageRoot()}/dist/firmware/weather-station/arduino-uno.hex:i\n`);
    const oldNano = await runCli(['flash', '--board', 'arduino-nano', '--bootloader', 'atmegaboot', '--hex', 'my sketch.hex', '--port', '/dev/ttyUSB0', '--dry-run']);
    expect(oldNano.stdout).toBe("avrdude -patmega328p -carduino -P/dev/ttyUSB0 -b57600 -D '-Uflash:w:my sketch.hex:i'\n");
  });

  it('exits 64 for a board, sketch or bootloader the profiles do not have, naming the choices', async () => {
    const board = await runCli(['flash', '--board', 'arduino-leonardo', '--sketch', 'weather-station', '--port', '/dev/ttyACM0']);
    expect(board).toMatchObject({ code: 64, stderr: 'fieldnode: unknown board "arduino-leonardo": choose arduino-mega, arduino-nano, arduino-uno\n' });
    const bootloader = await runCli(['flash', '--board', 'arduino-uno', '--bootloader', 'atmegaboot', '--sketch', 'weather-station', '--port', '/dev/ttyACM0']);
    expect(bootloader).toMatchObject({ code: 64, stderr: 'fieldnode: arduino-uno has no bootloader "atmegaboot": choose optiboot\n' });
    const nothing = await runCli(['flash', '--board', 'arduino-uno', '--port', '/dev/ttyACM0']);
    expect(nothing.code).toBe(64);
    expect(nothing.stderr).toContain('say what to flash');
  });

  it('exits 1 with what to do when the hex, the port or avrdude is missing', async () => {
    const hex = await runCli(['flash', '--board', 'arduino-uno', '--hex', '/nonexistent/sketch.hex', '--port', '/dev/null']);
    expect(hex).toMatchObject({ code: 1, stderr: 'fieldnode: /nonexistent/sketch.hex does not exist: give the path of a .hex file\n' });
    const port = await runCli(['flash', '--board', 'arduino-uno', '--hex', 'package.json', '--port', '/dev/ttyUSB97']);
    expect(port.code).toBe(1);
    expect(port.stderr).toMatch(/^fieldnode: serial port \/dev\/ttyUSB97 does not exist: check the cable/);
    // /dev/null passes the port check; with no avrdude on the PATH, the package to install is named.
    const avrdude = await runCli(['flash', '--board', 'arduino-uno', '--hex', 'package.json', '--port', '/dev/null'], { env: { PATH: '/nonexistent' } });
    expect(avrdude.code).toBe(1);
    expect(avrdude.stderr).toContain('fieldnode: avrdude is not installed: install it with sudo apt-get install avrdude\n');
  });
});
