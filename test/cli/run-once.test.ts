/**
 * `fieldnode run --once` as a technician runs it: every sensor of several simulated boards
 * read once into a table, a missing port named with its advice while the others are read, a
 * silent device timed out, a twin on a real pty read through the real serial code; and never
 * an outbox, a lock or a broker connection, even with a password nobody has set.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSocat, startTwin } from '../../simulators/index.js';
import { runCli } from '../support/cli.js';
import { describeNeeding } from '../support/needs.js';

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-once-'));
const dataDir = join(directory, 'data');

/** A TCP server where the config's broker would be: it records every connection, so none must come. */
let broker: Server;
let dialled = 0;
let brokerUrl = '';
beforeAll(async () => {
  broker = createServer((socket) => {
    dialled++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => broker.listen(0, '127.0.0.1', resolve));
  const address = broker.address();
  brokerUrl = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => broker.close(() => resolve())));

const STATION = `  - id: station
    simulator: { device: weather-station }
    device: { type: lines }
    sensors:
      - { name: temperature, unit: Cel, key: t }
      - { name: humidity, unit: "%RH", key: h }`;
const DUST = `  - id: dust
    simulator: { device: sds011 }
    device: { type: sds011 }
    sensors:
      - { name: pm2_5, unit: ug/m3, field: pm2_5 }
      - { name: pm10, unit: ug/m3, field: pm10 }`;
const co2 = (silent = false) => `  - id: co2
    simulator: { device: mhz19${silent ? ', faults: { silent: true }' : ''} }
    device: { type: mhz19, intervalMs: 2000, timeoutMs: 500 }
    sensors:
      - { name: co2, unit: ppm }`;
const MISSING = `  - id: spare
    port: /dev/serial/by-id/usb-not-plugged-in
    device: { type: sds011 }
    sensors:
      - { name: pm2_5, unit: ug/m3, field: pm2_5 }`;

/** A config of `boards` whose broker needs a password from a variable nobody sets. */
function configWith(name: string, boards: string[]): string {
  const path = join(directory, name);
  writeFileSync(
    path,
    `node: { id: pole-7, site: harbour }
dataDir: ${dataDir}
broker: { url: "${brokerUrl}", username: pole-7, password: { env: FIELDNODE_ONCE_TEST_UNSET } }
boards:
${boards.join('\n')}
`,
  );
  return path;
}

/** The table's row of a sensor, split into its cells. */
function row(stdout: string, board: string, sensor: string): string[] | undefined {
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((cells) => cells[0] === board && cells[1] === sensor);
}

describe('fieldnode run --once', () => {
  it('reads every sensor of three simulated boards once, prints them as a table and exits 0', async () => {
    const result = await runCli(['run', configWith('three.yaml', [STATION, DUST, co2()]), '--once']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^board\s+sensor\s+value\s+unit\s+time$/);
    for (const [board, sensor, unit] of [['station', 'temperature', 'Cel'], ['station', 'humidity', '%RH'], ['dust', 'pm2_5', 'ug/m3'], ['dust', 'pm10', 'ug/m3'], ['co2', 'co2', 'ppm']] as const) {
      const cells = row(result.stdout, board, sensor);
      expect(cells, `${board} ${sensor}`).toHaveLength(5);
      expect(Number(cells![2])).not.toBeNaN();
      expect(cells![3]).toBe(unit);
      expect(cells![4]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    }
    expect(result.stdout).not.toContain('did not answer');
    expect(existsSync(dataDir)).toBe(false);
    expect(dialled).toBe(0);
  });

  it('names a board whose port does not exist, with the advice, reads the others, and exits 1', async () => {
    const result = await runCli(['run', configWith('missing.yaml', [STATION, MISSING, DUST]), '--once']);
    expect(result.code).toBe(1);
    expect(row(result.stdout, 'station', 'temperature')?.[3]).toBe('Cel');
    expect(Number(row(result.stdout, 'dust', 'pm10')?.[2])).toBeGreaterThan(0);
    expect(row(result.stdout, 'spare', 'pm2_5')).toEqual(['spare', 'pm2_5', '-', 'ug/m3', '-']);
    expect(result.stdout).toContain(
      'did not answer:\n  spare (sds011): serial port /dev/serial/by-id/usb-not-plugged-in does not exist: check the cable and the path; /dev/serial/by-id/ lists attached USB-serial devices',
    );
    expect(result.stderr).toContain('fieldnode: 1 of 3 board(s) did not answer: spare');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(dataDir)).toBe(false);
    expect(dialled).toBe(0);
  });

  it('times out a silent device and exits 1 with the timeouts its driver counted', async () => {
    const result = await runCli(['run', configWith('silent.yaml', [STATION, co2(true)]), '--once', '--timeout', '2s']);
    expect(result.code).toBe(1);
    expect(row(result.stdout, 'co2', 'co2')).toEqual(['co2', 'co2', '-', 'ppm', '-']);
    expect(result.stdout).toMatch(/problems counted:\n {2}co2: timeout \d/);
    expect(result.stdout).toMatch(/did not answer:\n {2}co2 \(mhz19\): no reading from co2 within 2 s; counted: timeout \d/);
    expect(result.stderr).toContain('did not answer: co2');
  });

  it('reads for --duration and prints every reading, then each sensor\'s count, min, max and last', async () => {
    const result = await runCli(['run', configWith('duration.yaml', [STATION]), '--duration', '3500ms']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const streamed = lines.filter((line) => /^\d\d:\d\d:\d\d\.\d{3} {2}station {2}temperature\s+[\d.-]+ Cel$/.test(line));
    expect(streamed.length).toBeGreaterThanOrEqual(3);
    expect(lines).toContainEqual(expect.stringMatching(/^board\s+sensor\s+count\s+min\s+max\s+last\s+unit\s+time$/));
    const cells = row(result.stdout, 'station', 'temperature')!;
    expect(Number(cells[2])).toBe(streamed.length);
    expect(Number(cells[3])).toBeLessThanOrEqual(Number(cells[5]));
    expect(Number(cells[4])).toBeGreaterThanOrEqual(Number(cells[5]));
  });

  it('prints the report as JSON with --json', async () => {
    const result = await runCli(['run', configWith('json.yaml', [DUST, MISSING]), '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; boards: { id: string; device: string; sensors: { name: string; unit?: string; reading?: { value: number; time: number } }[]; problems: Record<string, number>; error?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.boards.map((board) => board.id)).toEqual(['dust', 'spare']);
    expect(report.boards[0]).toMatchObject({ device: 'sds011', problems: {}, sensors: [{ name: 'pm2_5', unit: 'ug/m3', reading: { value: expect.any(Number), time: expect.any(Number) } }, { name: 'pm10' }] });
    expect(report.boards[0]).not.toHaveProperty('error');
    expect(report.boards[1]).toMatchObject({ device: 'sds011', sensors: [{ name: 'pm2_5' }], error: expect.stringContaining('does not exist') });
    expect(report.boards[1]!.sensors[0]).not.toHaveProperty('reading');
  });

  it('refuses to be combined with a broker, a tail or a bad duration (usage, 64)', async () => {
    const config = configWith('usage.yaml', [STATION]);
    for (const args of [['--once', '--broker', brokerUrl], ['--once', '--embedded-broker'], ['--duration', '5s', '--tail'], ['--once', '--duration', '5'], ['--once', '--timeout', 'soon']]) {
      const result = await runCli(['run', config, ...args]);
      expect(result.code, args.join(' ')).toBe(64);
    }
    expect(dialled).toBe(0);
  });
});

describeNeeding(hasSocat(), 'socat', 'socat is not installed (apt-get install socat)', 'fieldnode run --once on a pty', () => {
  it('reads a twin on a real pty once, through the real serial code', async () => {
    const twin = await startTwin('sds011', { pty: join(directory, 'ttySDS') });
    try {
      const config = configWith('pty.yaml', [`  - id: dust\n    port: ${twin.path}\n    device: { type: sds011 }\n    sensors:\n      - { name: pm2_5, unit: ug/m3, field: pm2_5 }\n      - { name: pm10, unit: ug/m3, field: pm10 }`]);
      const result = await runCli(['run', config, '--once']);
      expect(result.code).toBe(0);
      expect(Number(row(result.stdout, 'dust', 'pm2_5')?.[2])).toBeGreaterThan(0);
      expect(Number(row(result.stdout, 'dust', 'pm10')?.[2])).toBeGreaterThan(0);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await twin.stop();
    }
  });
});
