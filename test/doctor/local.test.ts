/**
 * One test per failing check on the gateway itself: the config, the data directory, the
 * ports, the clock and Node.js; and the exit codes and JSON of a run that fails.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createPtyPair, hasSocat } from '../../simulators/transports/pty.js';
import { checkClock } from '../../src/doctor/clock.js';
import { checkNodeVersion } from '../../src/doctor/node-version.js';
import type { CheckResult } from '../../src/doctor/report.js';
import { collectChecks, runDoctor } from '../../src/doctor/run.js';
import { lockDataDir } from '../../src/outbox/data-dir-lock.js';
import { openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';
import { SerialTransport } from '../../src/transports/serial.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { describeNeeding } from '../support/needs.js';
import { simulatedCatalog } from '../support/simulated-node.js';
import { stationBoard, syncedClock } from './setup.js';

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-doctor-local-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A config whose broker is not there (a free port): the checks here are about the gateway. */
async function writeConfig(name: string, changes: { dataDir?: string; boards?: unknown[] } = {}): Promise<string> {
  const path = join(directory, `${name}.yaml`);
  const config = {
    node: { id: 'local-node', site: 'test-site' },
    dataDir: changes.dataDir ?? join(directory, `${name}-data`),
    broker: { url: `mqtt://127.0.0.1:${await freePort()}` },
    boards: changes.boards ?? [stationBoard()],
  };
  writeFileSync(path, stringify(config));
  return path;
}

async function checksOf(config: string, probes: Parameters<typeof collectChecks>[2] = {}): Promise<Record<string, CheckResult>> {
  const results = await collectChecks(config, simulatedCatalog, { clock: syncedClock, nodeVersion: 'v24.1.0', deviceTimeoutMs: 300, ...probes });
  return Object.fromEntries(results.map((result) => [result.check, result]));
}

describe('fieldnode doctor: the config', () => {
  it('a config path that does not exist fails, says to give the right path, and still checks the clock and Node.js (exit 1)', async () => {
    const { code, stdout } = await runCli(['doctor', join(directory, 'missing.yaml')]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^fail {2}config: cannot read .*missing\.yaml: ENOENT \(no such file\)$/);
    expect(lines[1]).toMatch(/→ give the path of the node's config .*; the checks that need the config were skipped$/);
    expect(lines.filter((line) => /^(pass|warn|fail)/.test(line)).map((line) => line.split(':')[0]!.slice(6))).toEqual(['config', 'clock', 'Node.js']);
    expect(lines.at(-1)).toMatch(/^not ready: \d passed, \d warning\(s\), 1 failed$/);
  });

  it('a config with problems lists each with its path; --json keeps the shape and the exit status is 1', async () => {
    const path = join(directory, 'bad.yaml');
    writeFileSync(path, stringify({ node: { id: 'bad node', site: 'test-site' }, broker: { url: 'http://nowhere' }, boards: [stationBoard()] }));
    const { code, stdout } = await runCli(['doctor', path, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as CheckResult[];
    expect(report.map((entry) => entry.check)).toEqual(['config', 'clock', 'Node.js']);
    expect(report[0]).toMatchObject({ status: 'fail', advice: expect.stringMatching(/fix each problem at its path/) });
    expect(report[0]!.detail).toMatch(/2 problem\(s\): .*node\.id: .*; broker\.url: a broker URL such as mqtt:\/\/host:1883/);
  });

  it('a password variable that is not set fails the credentials check', async () => {
    const path = join(directory, 'no-secret.yaml');
    writeFileSync(path, stringify({ node: { id: 'n1', site: 's1' }, broker: { url: 'mqtt://127.0.0.1:1', username: 'n1', password: { env: 'DOCTOR_TEST_UNSET' } }, boards: [stationBoard()] }));
    const checks = await checksOf(path, { environment: {} });
    expect(checks['config']?.status).toBe('pass');
    expect(checks['credentials']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/broker\.password\.env: environment variable DOCTOR_TEST_UNSET is not set/) });
    expect(checks['data directory']).toBeUndefined();
  });
});

describe('fieldnode doctor: the data directory', () => {
  it('a data directory that cannot be created fails and says how to make one the node may write', async () => {
    const blocker = join(directory, 'a-file');
    writeFileSync(blocker, '');
    const checks = await checksOf(await writeConfig('blocked', { dataDir: blocker }));
    expect(checks['data directory']).toMatchObject({ status: 'fail', detail: `${blocker}/local-node cannot be created: ${blocker} is not a directory` });
    expect(checks['data directory']!.advice).toBe(`remove or rename ${blocker}, or set dataDir to a directory the node's user may write`);
    expect(checks['free space']).toBeUndefined();
  });

  it('an outbox with a backlog over a day old warns with its counts; one that is no database fails with what to do', async () => {
    const dataDir = join(directory, 'backlog-data');
    const config = await writeConfig('backlog', { dataDir });
    const outbox = openSqliteOutbox(join(dataDir, 'local-node', 'outbox.db'), { maxBytes: 1e9, maxAgeMs: 1e12, overflow: 'drop-oldest' });
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    outbox.append([1, 2].map((seq) => ({ topic: 't', payload: Buffer.from('pack'), readings: 5, boot: 1, seq, createdAt: twoDaysAgo, liveGeneration: 0 })), new Set());
    outbox.close();
    const checks = await checksOf(config);
    expect(checks['outbox integrity']).toMatchObject({ status: 'pass', detail: `${join(dataDir, 'local-node', 'outbox.db')}: ok` });
    expect(checks['backlog']).toMatchObject({ status: 'warn', detail: '2 pack(s), 10 reading(s) waiting, the oldest 2 d old', advice: expect.stringMatching(/has not reached its broker for over a day/) });

    const damaged = join(directory, 'damaged-data');
    mkdirSync(join(damaged, 'local-node'), { recursive: true });
    writeFileSync(join(damaged, 'local-node', 'outbox.db'), 'this is not a database, it only has the name of one'.repeat(100));
    const broken = await checksOf(await writeConfig('damaged', { dataDir: damaged }));
    expect(broken['outbox']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/outbox\.db \(SQLITE_NOTADB\)$/), advice: expect.stringMatching(/move .*outbox\.db aside/) });
  });

  it("writes nothing into a node's data directory: no file added, none changed", async () => {
    const dataDir = join(directory, 'untouched-data');
    const config = await writeConfig('untouched', { dataDir });
    const nodeDir = join(dataDir, 'local-node');
    const outbox = openSqliteOutbox(join(nodeDir, 'outbox.db'), { maxBytes: 1e9, maxAgeMs: 1e12, overflow: 'drop-oldest' });
    outbox.append([{ topic: 't', payload: Buffer.from('pack'), readings: 5, boot: 1, seq: 1, createdAt: Date.now(), liveGeneration: 0 }], new Set());
    outbox.close();
    // A node that ran here and stopped leaves its lock file.
    lockDataDir(nodeDir, 4242).release();
    const state = () => Object.fromEntries(readdirSync(nodeDir).filter((name) => !/-(wal|shm)$/.test(name)).map((name) => [name, statSync(join(nodeDir, name)).mtimeMs]));
    const before = state();
    // Every name created, changed or removed in the directory while the doctor runs, even briefly.
    const touched = new Set<string>();
    const watcher = watch(nodeDir, (_event, name) => name && touched.add(String(name)));
    try {
      const checks = await checksOf(config);
      expect(checks['node lock']).toMatchObject({ status: 'pass' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      watcher.close();
    }
    // SQLite's own companions of the outbox a reader opens are the database's, not the doctor's.
    expect([...touched].filter((name) => !/^outbox\.db(-wal|-shm)?$/.test(name))).toEqual([]);
    expect(state()).toEqual(before);
  });

  it('a running node holding the lock is a warning naming its PID, not a failure; its outbox is checked and its backlog counted', async () => {
    const dataDir = join(directory, 'running-data');
    const config = await writeConfig('running', { dataDir });
    const lock = lockDataDir(join(dataDir, 'local-node'), 4242);
    try {
      const checks = await checksOf(config);
      expect(checks['node lock']).toMatchObject({ status: 'warn', detail: `a node is running (PID 4242) on ${join(dataDir, 'local-node')}` });
      expect(checks['node lock']!.advice).toMatch(/stop it .* for a full check/);
    } finally {
      lock.release();
    }
  });
});

describeNeeding(hasSocat(), 'socat', 'socat is not installed (apt-get install socat)', 'fieldnode doctor: the ports', () => {
  const serialBoard = (port: string) => ({ id: 'sds', port, device: { type: 'sds011' }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }] });

  it('a port that does not exist fails with the by-id advice', async () => {
    const checks = await checksOf(await writeConfig('missing-port', { boards: [serialBoard('/dev/ttyDOCTOR-MISSING')] }));
    expect(checks['port /dev/ttyDOCTOR-MISSING (sds)']).toMatchObject({ status: 'fail', detail: 'serial port /dev/ttyDOCTOR-MISSING does not exist' });
    expect(checks['port /dev/ttyDOCTOR-MISSING (sds)']!.advice).toMatch(/\/dev\/serial\/by-id\/ lists attached USB-serial devices/);
    expect(checks['device sds011 (sds)']).toMatchObject({ status: 'fail', detail: 'not read: its port failed its check' });
  });

  it('a port this user may not open fails with the group and udev advice; the user the test runs as passes while the port is free, and fails while another program holds it', async () => {
    const pty = await createPtyPair();
    try {
      const config = await writeConfig('denied-port', { boards: [serialBoard(pty.hostPath)] });
      const check = `port ${pty.hostPath} (sds)`;
      const denied = await checksOf(config, { identity: { uid: 4321, gids: [4321] } });
      expect(denied[check]).toMatchObject({ status: 'fail', detail: `permission denied opening ${pty.hostPath}` });
      expect(denied[check]!.advice).toMatch(/udev rule .*sudo usermod -aG/);
      const allowed = await checksOf(config);
      expect(allowed[check]).toMatchObject({ status: 'pass', detail: 'a character device this user may open, and free' });
      // Nothing answers on the pty: the device check says what to look at.
      expect(allowed['device sds011 (sds)']).toMatchObject({ status: 'fail', advice: expect.stringMatching(/power and wiring .*device\.baud/) });
      // Another program holding the port (serialport locks what it opens).
      const holder = new SerialTransport({ path: pty.hostPath, baudRate: 9600, watchDevice: false });
      await holder.start();
      try {
        const held = await checksOf(config);
        expect(held[check]).toMatchObject({ status: 'fail', detail: `serial port ${pty.hostPath} is in use by another program`, advice: expect.stringMatching(/close the serial monitor, ModemManager/) });
      } finally {
        await holder.stop();
      }
    } finally {
      await pty.close();
    }
  });
});

describe('fieldnode doctor: the clock', () => {
  const root = mkdtempSync(join(tmpdir(), 'fieldnode-doctor-root-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const unsynchronised = { root, run: (command: string) => (command === 'timedatectl' ? 'no\n' : undefined) };

  it('not synchronised and no real-time clock fails, saying to enable NTP or fit an RTC', () => {
    const result = checkClock(unsynchronised);
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^not synchronised, no real-time clock: the gateway boots in the past/) });
    expect(result.advice).toMatch(/sudo timedatectl set-ntp true.*or fit a real-time clock module/);
  });

  it('not synchronised with a real-time clock warns; synchronised passes; no timedatectl nor timesyncd state is unknown', () => {
    mkdirSync(join(root, 'dev'), { recursive: true });
    writeFileSync(join(root, 'dev', 'rtc0'), '');
    expect(checkClock(unsynchronised)).toMatchObject({ status: 'warn', detail: 'not synchronised, a real-time clock is fitted keeps the time meanwhile' });
    expect(checkClock({ root, run: () => 'yes\n' })).toMatchObject({ status: 'pass', detail: 'synchronised (NTP), a real-time clock is fitted' });
    expect(checkClock({ root, run: () => undefined }).status).toBe('warn');
    mkdirSync(join(root, 'run', 'systemd', 'timesync'), { recursive: true });
    writeFileSync(join(root, 'run', 'systemd', 'timesync', 'synchronized'), '');
    expect(checkClock({ root, run: () => undefined }).status).toBe('pass');
  });
});

describe('fieldnode doctor: Node.js', () => {
  const engines = '^20.19.0 || ^22.12.0 || ^24.0.0';
  const november2026 = Date.UTC(2026, 10, 30);

  it('below the engines floor fails with the advice to install a current LTS', () => {
    expect(checkNodeVersion('v18.20.4', engines, november2026)).toMatchObject({ status: 'fail', detail: `v18.20.4 is older than fieldnode needs (${engines})`, advice: expect.stringMatching(/install a current LTS release of Node\.js/) });
    expect(checkNodeVersion('v20.10.0', engines, november2026).status).toBe('fail');
  });

  it('past its end of life warns, citing the date; a supported line passes', () => {
    expect(checkNodeVersion('v20.19.5', engines, november2026)).toMatchObject({ status: 'warn', detail: 'v20.19.5: Node.js 20 reached its end of life on 2026-04-30 and gets no security fixes' });
    expect(checkNodeVersion('v20.19.5', engines, Date.UTC(2026, 0, 1))).toMatchObject({ status: 'pass', detail: 'v20.19.5 (supported until 2026-04-30)' });
    expect(checkNodeVersion('v22.12.0', engines, november2026).status).toBe('pass');
    expect(checkNodeVersion('v23.1.0', engines, november2026).status).toBe('warn');
  });

  it('an old Node.js fails the whole run (ok: false) while the rest passes', async () => {
    const lines: string[] = [];
    const { ok } = await runDoctor(join(directory, 'missing.yaml'), { catalog: simulatedCatalog, write: (line) => lines.push(line), probes: { clock: syncedClock, nodeVersion: 'v18.20.4' } });
    expect(ok).toBe(false);
    expect(lines).toContain(`fail  Node.js: v18.20.4 is older than fieldnode needs (${engines})`);
  });
});
