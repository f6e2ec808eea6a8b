/**
 * `fieldnode simulate --firmware`: the compiled sketch in an emulated board, from the command
 * line, printing what the sketch prints.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunningCli, runCli } from '../support/cli.js';
import { describeWithFirmware } from '../support/firmware.js';

describeWithFirmware('weather-station', 'arduino-nano', 'fieldnode simulate --firmware', () => {
  it("prints the sketch's firmware line, banner and lines to stdout, and stops on Ctrl-C", async () => {
    const run = new RunningCli(['simulate', '--firmware', 'weather-station', '--board', 'arduino-nano', '--seed', '5']);
    await run.waitForStdout((lines) => lines.length >= 3, 20_000);
    expect(await run.signal('SIGINT')).toBe(0);
    const [firmware, banner, line] = run.stdoutLines();
    expect(firmware).toBe(`# firmware weather-station ${readFileSync('dist/firmware/.build/version', 'utf8').trim()} arduino-nano\r`);
    expect(banner).toBe('# fieldnode weather-station sketch, format kv, every 1000 ms\r');
    expect(line).toMatch(/^t=-?\d+\.\d\d,h=\d+\.\d,p=\d+,r=\d+\.\d\r$/);
  });
});

describe('fieldnode simulate --firmware, misused', () => {
  it('says which flags go together and which sketches and boards there are', async () => {
    expect(await runCli(['simulate', '--board', 'arduino-uno', 'weather-station'])).toMatchObject({ code: 1, stderr: 'fieldnode: --board goes with --firmware (the board a sketch runs on)\n' });
    expect(await runCli(['simulate', 'sds011', '--firmware', 'weather-station'])).toMatchObject({ code: 1, stderr: 'fieldnode: give a device or --firmware, not both (got sds011 and --firmware weather-station)\n' });
    const mega = await runCli(['simulate', '--firmware', 'lines-analog', '--board', 'arduino-mega']);
    expect(mega.code).not.toBe(0);
    expect(mega.stderr).toContain('board: expected one of "arduino-uno", "arduino-nano"; got string "arduino-mega"');
  });
});
