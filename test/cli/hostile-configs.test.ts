import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';

// Whatever a config file holds, fieldnode answers with a short list of problems and exit 78:
// no stack trace, no minutes of work, no megabytes of output.

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-hostile-'));
function configFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

const header = 'node: { id: ws-01, site: harbour }\nbroker: { url: "mqtt://127.0.0.1:1" }\n';

/** Runs the CLI and measures how long it took, start-up included. */
async function timed(args: string[]): Promise<CliResult & { ms: number }> {
  const started = performance.now();
  const result = await runCli(args);
  return { ...result, ms: performance.now() - started };
}

// Starting node is slow on a busy machine: "fast" means within a second of a bare start.
let startMs = 0;
beforeAll(async () => {
  startMs = (await timed(['--version'])).ms;
});

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('hostile config files', () => {
  it('refuses a YAML alias bomb in one line, with status 78 and no stack trace', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const file = configFile('bomb.yaml', `${header}${levels.join('\n').replace(/^i: /m, 'boards: ')}\n`);
    const result = await timed(['validate', file]);
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toEqual([`${file}: YAML aliases expand more than 1000 times; write the repeated values out`]);
    expect(result.ms).toBeLessThan(startMs + 1000);
  });

  it('refuses an oversized file before reading it, in one line', async () => {
    const file = configFile('huge.yaml', `${header}# ${'x'.repeat(3 * 1024 * 1024)}\n`);
    const result = await timed(['validate', file]);
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toEqual([`${file}: too large: 3 MiB, over the 256 KiB a fieldnode file may have: is this the config file?`]);
    expect(result.ms).toBeLessThan(startMs + 1000);
  });

  it('answers a 5 MB list at once, in a few hundred bytes', async () => {
    const file = configFile('list.yaml', `${header}boards:\n${'  - 1\n'.repeat(5 * 1024 * 1024 / 6)}`);
    const result = await timed(['validate', file]);
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('too large: 5 MiB');
    expect(result.ms).toBeLessThan(startMs + 1000);
  });

  it('lists the first 50 of many problems and counts the rest', async () => {
    const file = configFile('many.yaml', `${header}boards:\n${'  - 1\n'.repeat(20_001)}`);
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(78);
    const printed = lines(result.stderr);
    expect(printed[0]).toBe(`${file}: 20001 problem(s)`);
    expect(printed).toHaveLength(52);
    expect(printed.at(-1)).toBe('  ... and 19951 more problem(s)');
    expect(result.stderr.length).toBeLessThan(4000);
  });

  it('refuses an alias that contains itself instead of overflowing the stack', async () => {
    const file = configFile('cycle.yaml', `${header}boards: &b [ { id: station, port: *b } ]\n`);
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toEqual([`${file}: a YAML alias refers to a mapping or list that contains it; a config cannot be endless`]);
  });

  it('quotes a short escaped excerpt of a value, never terminal escapes or a whole long value', async () => {
    const file = configFile(
      'escapes.yaml',
      `${header}boards:
  - { id: station, port: "\\e[2Jgone", device: { type: lines, baud: "\\e]0;owned\\a${'9'.repeat(5000)}" }, sensors: [{ name: t, key: t }] }
  - { id: spare, port: "\\e[2Jgone", device: { type: lines }, sensors: [{ name: t, key: t }] }
`,
    );
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).not.toContain('\u001b');
    expect(result.stderr).not.toContain('\u0007');
    expect(result.stderr).toContain(`boards[0].device.baud: expected number, got string "\\u001b]0;owned\\u0007${'9'.repeat(30)}"… (5010 characters)`);
    expect(result.stderr).toContain('boards[1].port: port "\\u001b[2Jgone" is also used by boards[0]; one port carries one board');
    expect(result.stderr.length).toBeLessThan(1000);
  });
});

describe('a password file given as the config', () => {
  const secrets = ['S3cr3t-Passw0rd-9431', '{S3cr3t-Passw0rd-9431', '*S3cr3t-Passw0rd-9431', '!S3cr3t-Passw0rd-9431', 'S3cr3t: Passw0rd-9431', '|S3cr3t-Passw0rd-9431'];

  it.each(secrets)('never echoes its content (%#) in validate or run', async (secret) => {
    const file = configFile(`password-${secrets.indexOf(secret)}`, `${secret}\n`);
    for (const args of [['validate', file], ['run', file]]) {
      const result = await runCli(args);
      expect(result.code).toBe(78);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/S3cr3t|Passw0rd|9431/);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain('is this the config file?');
    }
  });
});
