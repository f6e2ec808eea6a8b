import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';
import { createFakeTree, FAKE_USB } from '../ports/fake-tree.js';

const directory = mkdtempSync(join(tmpdir(), 'init-flags-'));
const tree = createFakeTree();
/** The CH340 Uno clone of the tree, on ttyUSB0. */
const ch340 = FAKE_USB.find((usb) => usb.tty === 'ttyUSB0')!;
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  tree.remove();
});

// Nothing listens on port 9 of the loopback: the doctor's broker check fails at once, offline.
const common = ['--sys-root', tree.sysRoot, '--dev-root', tree.devRoot, '--node-id', 'ws-09', '--site', 'harbour-east', '--broker', 'mqtt://127.0.0.1:9'];

describe('fieldnode init by flags, without a terminal', () => {
  it('writes a config that fieldnode validate accepts, and the password file with mode 600', async () => {
    const file = join(directory, 'flags.yaml');
    const passwordFile = join(directory, 'etc', 'password');
    const result = await runCli(
      ['init', file, ...common, '--password-file', passwordFile, '--data-dir', join(directory, 'data'), '--yes', '--board', `id=air,port=${join(tree.devRoot, 'ttyUSB0')},device=sds011`, '--board', 'id=station,port=/dev/ttyACM0,device=lines,sensors=t:temperature:Cel+h'],
      { input: 'correct horse\n' },
    );
    expect(result.stderr).not.toContain('correct horse');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`wrote ${file} (node ws-09 at harbour-east, 2 board(s), 4 sensor(s))`);
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(passwordFile, 'utf8')).toBe('correct horse\n');

    const config = parse(readFileSync(file, 'utf8')) as { broker: Record<string, unknown>; boards: { port: string; device: unknown; sensors: unknown[] }[] };
    expect(config.broker).toEqual({ url: 'mqtt://127.0.0.1:9', username: 'ws-09', password: { file: passwordFile } });
    // The port discovery knows by a stable name is written by that name.
    expect(config.boards[0]!.port).toBe(join(tree.devRoot, 'serial', 'by-id', ch340.byId!));
    expect(config.boards[1]!.sensors).toEqual([{ name: 'temperature', unit: 'Cel', key: 't' }, { name: 'humidity', unit: '%RH', key: 'h' }]);
    expect(config.boards[0]!.sensors).toEqual([{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }, { name: 'pm10', unit: 'ug/m3', field: 'pm10' }]);

    const validated = await runCli(['validate', file]);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
  });

  it('names the password variable with --password-env, and validate accepts it once it is set', async () => {
    const file = join(directory, 'env.yaml');
    const result = await runCli(['init', file, ...common, '--password-env', 'NODE_PASSWORD', '--username', 'gateway', '--data-dir', '/var/lib/fieldnode', '--board', 'id=co2,port=/dev/ttyUSB3,device=mhz19']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('  password: { env: NODE_PASSWORD }\n');
    expect(readFileSync(file, 'utf8')).toContain('      - { name: co2, unit: ppm }\n');
    expect((await runCli(['validate', file], { env: { NODE_PASSWORD: 'x' } })).code).toBe(0);
  });

  it('never overwrites a file without --force, and replaces it with', async () => {
    const file = join(directory, 'existing.yaml');
    writeFileSync(file, 'keep me\n');
    const args = ['init', file, ...common, '--yes', '--password-env', 'P', '--board', 'id=co2,port=/dev/ttyUSB3,device=mhz19'];
    const refused = await runCli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`fieldnode: ${file} exists: give --force to replace it, or name another file\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');

    const forced = await runCli([...args, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# yaml-language-server: \$schema=/);
  });

  it('says in one line when the file cannot be written', async () => {
    writeFileSync(join(directory, 'plain-file'), '');
    const file = join(directory, 'plain-file', 'fieldnode.yaml');
    const result = await runCli(['init', file, ...common, '--yes', '--password-env', 'P', '--board', 'id=co2,port=/dev/ttyUSB3,device=mhz19']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`fieldnode: cannot write ${join(directory, 'plain-file')} (EEXIST): a file is in the way of that folder\n`);
  });

  it('exits 64 naming the flags still missing, and writes nothing', async () => {
    const file = join(directory, 'missing.yaml');
    const result = await runCli(['init', file, '--broker', 'mqtts://broker.example.net:8883']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('stdin is not a terminal, so nothing can be asked: give --node-id, --site, --username, --password-env or --password-file, --board, --data-dir');
    expect(existsSync(file)).toBe(false);
  });

  it('exits 64 on a --board it cannot use, and on a password file with no password to put in it', async () => {
    const file = join(directory, 'bad.yaml');
    const unknown = await runCli(['init', file, ...common, '--yes', '--board', 'id=air,port=/dev/ttyUSB0,device=sds012']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/device sds012 is not a serial or Firmata device; one of .*sds011/);
    const keys = await runCli(['init', file, ...common, '--yes', '--board', 'id=station,port=/dev/ttyUSB0,device=lines']);
    expect(keys.code).toBe(64);
    expect(keys.stderr).toContain('say which keys to read: sensors=');
    const noPassword = await runCli(['init', file, ...common, '--yes', '--password-file', join(directory, 'none', 'password'), '--board', 'id=co2,port=/dev/ttyUSB3,device=mhz19']);
    expect(noPassword.code).toBe(64);
    expect(noPassword.stderr).toContain('pipe the password on stdin');
    expect(existsSync(file)).toBe(false);
  });
});
