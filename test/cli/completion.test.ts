import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { describeWithBinary } from '../support/binaries.js';

/** The bash script, printed once by the built CLI and sourced by every check. */
let bashScript: string;

/** What bash offers for the words typed so far (the last one being completed), run in `cwd`. */
function complete(words: string[], cwd = process.cwd()): string[] {
  const script = `source ${JSON.stringify(bashScript)}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _fieldnode; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean).sort();
}

describeWithBinary('bash', 'bash', 'fieldnode completion bash', () => {
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'fieldnode-completion-'));
    const printed = await runCli(['completion', 'bash']);
    expect(printed.stderr).toBe('');
    bashScript = join(directory, 'fieldnode.bash');
    writeFileSync(bashScript, printed.stdout);
    writeFileSync(join(directory, 'fieldnode.yaml'), '');
    writeFileSync(join(directory, 'flood.yaml'), '');
    mkdirSync(join(directory, 'ptys'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('completes the verbs the program has, read from it at run time', async () => {
    expect(complete(['fieldnode', 'sim'])).toEqual(['simulate']);
    expect(complete(['fieldnode', 'po'])).toEqual(['ports']);
    const help = await runCli(['--help']);
    const verbs = [...help.stdout.matchAll(/^ {2}([a-z-]+)(?: |\[|<)/gm)].map((match) => match[1]!);
    expect(verbs.length).toBeGreaterThan(5);
    expect(complete(['fieldnode', ''])).toEqual(expect.arrayContaining(verbs));
  });

  it("completes a verb's options, not the hidden ones", () => {
    expect(complete(['fieldnode', 'simulate', '--s'])).toEqual(['--scenario', '--seed']);
    expect(complete(['fieldnode', 'ports', '--'])).toEqual(['--help', '--json']);
  });

  it('completes the simulated device names from the catalog', () => {
    const devices = complete(['fieldnode', 'simulate', '']);
    expect(devices).toContain('nmea-gps');
    expect(complete(['fieldnode', 'simulate', 'nmea'])).toEqual(['nmea-gps']);
    // After an option and its value, the device is still the first positional argument.
    expect(complete(['fieldnode', 'simulate', '--pty', '/tmp/gps', 'nmea'])).toEqual(['nmea-gps']);
  });

  it('completes files for config arguments and file options, directories for a directory', () => {
    expect(complete(['fieldnode', 'validate', 'f'], directory)).toEqual(['fieldnode.bash', 'fieldnode.yaml', 'flood.yaml']);
    expect(complete(['fieldnode', 'run', 'fieldnode.y'], directory)).toEqual(['fieldnode.yaml']);
    expect(complete(['fieldnode', 'simulate', '--scenario', 'fl'], directory)).toEqual(['flood.yaml']);
    expect(complete(['fieldnode', 'simulate', '--directory', ''], directory)).toEqual(['ptys']);
    expect(complete(['fieldnode', 'completion', ''])).toEqual(['bash', 'zsh']);
  });
});

describe('fieldnode completion zsh', () => {
  it('defines _fieldnode with an _arguments branch for every verb', async () => {
    const result = await runCli(['completion', 'zsh']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^#compdef fieldnode\n/);
    expect(result.stdout).toContain("    'ports:list serial ports");
    expect(result.stdout).toMatch(/\(simulate\)\n {6}_arguments -s '--scenario\[[^\]]*\]:file\|name:_files'/);
    expect(result.stdout).toMatch(/'1::device:\([^)]*nmea-gps[^)]*\)'/);
    expect(result.stdout).toContain("'1:file:_files'");
    expect(result.stdout).not.toContain('sys-root');
    expect(result.stdout).toMatch(/compdef _fieldnode fieldnode; fi\n$/);
  });

  it('rejects another shell with a usage error', async () => {
    const result = await runCli(['completion', 'fish']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.");
  });
});

describeWithBinary('zsh', 'zsh', 'the zsh script in zsh', () => {
  it('parses (zsh -n) and loads without error', async () => {
    const result = await runCli(['completion', 'zsh']);
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-zsh-'));
    try {
      writeFileSync(join(directory, '_fieldnode'), result.stdout);
      const syntax = spawnSync('zsh', ['-n', join(directory, '_fieldnode')], { encoding: 'utf8' });
      expect(syntax.stderr).toBe('');
      expect(syntax.status).toBe(0);
      const load = spawnSync('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -D && source ${join(directory, '_fieldnode')} && print -r -- $_comps[fieldnode]`], { encoding: 'utf8' });
      expect(load.stderr).toBe('');
      expect(load.stdout.trim()).toBe('_fieldnode');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

