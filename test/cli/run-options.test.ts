/**
 * A command line that does not parse exits 64 (EX_USAGE) with commander's one-line message
 * and no stack trace; --help and --version still exit 0. Run against the built CLI.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const stackFrame = /\n\s+at /;

describe('fieldnode command line', () => {
  it('refuses an unknown --log-level, listing the valid ones, with status 64 and no stack trace', async () => {
    const result = await runCli(['run', '--log-level', 'verbose']);
    expect(result.code).toBe(64);
    expect(result.stderr).toBe("error: option '--log-level <level>' argument 'verbose' is invalid. Allowed choices are trace, debug, info, warn, error.\n");
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown --log-format, listing the valid ones', async () => {
    const result = await runCli(['run', 'boards/arduino-uno/weather-station.demo.yaml', '--log-format', 'text']);
    expect(result.code).toBe(64);
    expect(result.stderr).toBe("error: option '--log-format <format>' argument 'text' is invalid. Allowed choices are pretty, json.\n");
  });

  it.each([
    [['run', '--verbose'], "error: unknown option '--verbose'"],
    [['run', '--broker'], "error: option '--broker <url>' argument missing"],
    [['validate'], "error: missing required argument 'file'"],
    [['run', 'a.yaml', 'b.yaml'], "error: too many arguments for 'run'. Expected 1 argument but got 2."],
    [['run', 'a.yaml', '--embedded-broker', '--broker', 'mqtt://127.0.0.1:1'], "error: option '--embedded-broker' cannot be used with option '--broker <url>'"],
    [['frobnicate'], "error: unknown command 'frobnicate'"],
  ])('exits 64 on %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(64);
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).not.toMatch(stackFrame);
  });

  it('still exits 0 for --help, help <command> and --version', async () => {
    const help = await runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: fieldnode run [options] [config]');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('(choices: "trace", "debug", "info", "warn", "error", default: "info")');
    expect((await runCli(['help', 'validate'])).code).toBe(0);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('accepts every documented log level and format (the config is what fails here, with its own status)', async () => {
    const result = await runCli(['run', 'no-such-config.yaml', '--log-level', 'debug', '--log-format', 'json']);
    expect(result.code).not.toBe(64);
    expect(result.stderr).not.toContain('error: option');
  });

  it('explains a malformed option value of another verb in one line, without a stack trace', async () => {
    const result = await runCli(['simulate', 'weather-station', '-o', 'intervalMs']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('fieldnode: --option takes key=value, got "intervalMs"\n');
  });
});
