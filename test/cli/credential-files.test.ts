import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// A node that cannot read its password or key, or whose key anyone may read, must not start:
// those are config problems, reported by validate and run like any other, all at once.

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-credentials-'));
function file(name: string, text: string, mode: number): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const SECRET = 'pw-never-shown-5521';
const privatePassword = file('private.pw', `${SECRET}\n`, 0o600);
const openPassword = file('open.pw', `${SECRET}\n`, 0o644);
const ca = file('ca.pem', 'not really a CA\n', 0o644);
const privateKey = file('private.key', 'not really a key\n', 0o600);
const openKey = file('open.key', 'not really a key\n', 0o640);

function config(name: string, broker: string): string {
  return file(
    name,
    `node: { id: ws-01, site: harbour }
dataDir: ${directory}/data
broker:
  url: "mqtts://127.0.0.1:1"
  username: ws-01
${broker}
boards:
  - id: station
    simulator: { device: weather-station }
    device: { type: lines }
    sensors: [{ name: temperature, unit: Cel, key: t }]
`,
    0o644,
  );
}

const good = config('good.yaml', `  password: { file: ${privatePassword} }\n  tls: { ca: ${ca}, cert: ${ca}, key: ${privateKey} }`);
const bad = config('bad.yaml', `  password: { file: ${openPassword} }\n  tls: { ca: ${directory}/missing-ca.pem, cert: ${directory}/missing-cert.pem, key: ${openKey} }`);
const unset = config('unset.yaml', `  password: { env: FIELDNODE_TEST_UNSET_PASSWORD }\n  tls: { key: ${directory}/missing.key, cert: ${ca} }`);
const missingPassword = config('missing-password.yaml', `  password: { file: ${directory}/${SECRET} }`);

const env = { FIELDNODE_TEST_UNSET_PASSWORD: '' };

describe('credential and TLS files', () => {
  it('validate accepts private, readable files', async () => {
    const result = await runCli(['validate', good], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('validate lists every missing or too open file with its path and exits 78', async () => {
    const result = await runCli(['validate', bad], { env });
    expect(result.code).toBe(78);
    // Paths are quoted as excerpts of at most 40 characters: match their start and end.
    expect(result.stderr.split('\n')).toEqual([
      `${bad}: 4 problem(s)`,
      '  broker.password.file: the password file is open to group or others (mode 644): it must be private to its owner, chmod 600',
      expect.stringMatching(/^ {2}broker\.tls\.ca: cannot read the TLS CA file ".*: ENOENT \(no such file\)$/),
      expect.stringMatching(/^ {2}broker\.tls\.cert: cannot read the TLS certificate file ".*: ENOENT \(no such file\)$/),
      expect.stringMatching(/^ {2}broker\.tls\.key: the TLS key file ".* is open to group or others \(mode 640\): it must be private to its owner, chmod 600$/),
      '',
    ]);
    expect(result.stdout).not.toContain('ok');
  });

  it('validate reports an unset variable and a missing key', async () => {
    const result = await runCli(['validate', unset], { env });
    expect(result.code, result.stderr).toBe(78);
    expect(result.stderr).toContain('  broker.password.env: environment variable FIELDNODE_TEST_UNSET_PASSWORD is not set (it holds the broker password)\n');
    expect(result.stderr).toMatch(/\n {2}broker\.tls\.key: cannot read the TLS key file ".*: ENOENT \(no such file\)\n/);
  });

  it('run refuses them with status 78, all listed, and starts nothing', async () => {
    for (const [path, count] of [[bad, 4], [unset, 2]] as const) {
      const result = await runCli(['run', path, '--log-format', 'json'], { env });
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(`${path}: ${count} problem(s)\n`);
      expect(result.stderr).not.toContain('node started');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('never shows a password, nor a password file name that may be a password', async () => {
    for (const path of [bad, missingPassword]) {
      for (const command of ['validate', 'run']) {
        const result = await runCli([command, path], { env });
        expect(result.code).toBe(78);
        expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
      }
    }
  });
});
