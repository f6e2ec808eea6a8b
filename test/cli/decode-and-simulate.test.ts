import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { simulatorRegistry } from '../../simulators/registry.js';
import { LineFramer } from '../../src/transports/line-framing.js';
import { describeWithBinary } from '../support/binaries.js';
import { RunningCli, runCli } from '../support/cli.js';
import { Collector, waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const pack = encodePack(
  [
    { name: 'temperature', value: 21.53, unit: 'Cel', time: T0 },
    { name: 'humidity', value: 55.2, unit: '%RH', time: T0 + 500 },
  ],
  'ws-01/station/',
);

describe('fieldnode decode', () => {
  it('prints a pack from stdin as a table', async () => {
    const result = await runCli(['decode'], { input: pack });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'time                      name                       value  unit',
      '2026-01-01T12:00:00.000Z  ws-01/station/temperature  21.53  Cel',
      '2026-01-01T12:00:00.500Z  ws-01/station/humidity     55.2   %RH',
      '',
    ]);
  });

  it('reads hex text from a file and prints JSON on request', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fieldnode-decode-')), 'pack.hex');
    writeFileSync(file, pack.toString('hex').replace(/(..)/g, '$1 '));
    const result = await runCli(['decode', file, '--hex', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { name: 'ws-01/station/temperature', unit: 'Cel', value: 21.53, time: T0 / 1000 },
      { name: 'ws-01/station/humidity', unit: '%RH', value: 55.2, time: T0 / 1000 + 0.5 },
    ]);
  });

  it('reads compact packs as their decimals when told --floats compact', async () => {
    const compact = encodePack([{ name: 'ph', value: 6.37, time: T0 }], 'ws-01/probe/', undefined, { floats: 'compact' });
    const told = await runCli(['decode', '--json', '--floats', 'compact'], { input: compact });
    expect(JSON.parse(told.stdout)[0].value).toBe(6.37);
    const untold = await runCli(['decode', '--json'], { input: compact });
    expect(JSON.parse(untold.stdout)[0].value).toBe(6.369999885559082);
    const wrong = await runCli(['decode', '--floats', 'half'], { input: compact });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/--floats.*half.*exact, compact|Allowed choices are exact, compact/);
  });

  it('explains input that is not a pack, or no input, and exits 1', async () => {
    const result = await runCli(['decode'], { input: Buffer.from('hello') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^fieldnode: cannot decode pack 1 \(byte 0\): /);
    const empty = await runCli(['decode'], { input: '' });
    expect(empty).toMatchObject({ code: 1, stderr: 'fieldnode: no SenML pack in the input\n' });
  });
});

describe('fieldnode simulate', () => {
  it('prints the twin\'s lines to stdout', async () => {
    const run = new RunningCli(['simulate', 'weather-station', '--seed', '3', '-o', 'intervalMs=20', '-o', 'format=csv']);
    await run.waitForStdout((lines) => lines.length >= 6);
    expect(await run.signal('SIGINT')).toBe(0);
    const [firmware, banner, ...lines] = run.stdoutLines();
    expect(firmware).toMatch(/^# firmware weather-station \S+-twin arduino-uno\r$/);
    expect(banner).toMatch(/^# fieldnode weather-station sketch, format csv, every 20 ms\r$/);
    for (const line of lines) expect(line).toMatch(/^-?\d+(\.\d+)?,\d+(\.\d)?,\d+,\d+(\.\d)?\r$/);
  });

  it('rejects unknown devices and bad options clearly', async () => {
    const unknown = await runCli(['simulate', 'toaster']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`fieldnode: no simulated device "toaster"; known: ${Object.keys(simulatorRegistry).join(', ')}\n`);
    const bad = await runCli(['simulate', 'weather-station', '-o', 'intervalMs=-5']);
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('intervalMs:');
  });
});

describeWithBinary('socat', 'socat', 'fieldnode simulate --pty', () => {
  it('speaks on a pty that the real serialport binding can open, and removes it on Ctrl-C', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fieldnode-sim-')), 'ttyWEATHER');
    const run = new RunningCli(['simulate', 'weather-station', '--pty', path, '-o', 'intervalMs=20']);
    await run.waitForStderr(/simulated weather-station on .*ttyWEATHER/);
    const port = new SerialPort({ path, baudRate: 9600 });
    const lines: string[] = [];
    const framer = new LineFramer((line) => lines.push(line));
    port.on('data', (chunk: Buffer) => framer.push(chunk));
    await waitUntil(() => lines.length >= 5);
    await new Promise<void>((resolve) => port.close(() => resolve()));
    expect(lines.slice(1).every((line) => /^t=-?[\d.]+,h=[\d.]+,p=\d+,r=[\d.]+\r$/.test(line))).toBe(true);
    expect(await run.signal('SIGINT')).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('checks the options before making the pty, so a typo leaves nothing behind', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fieldnode-sim-')), 'ttyTYPO');
    const result = await runCli(['simulate', 'weather-station', '--pty', path, '-o', 'intervalMs=-5']);
    expect(result.code).toBe(78);
    expect(existsSync(path)).toBe(false);
  });
});

describeWithBinary('mosquitto', 'mosquitto', 'node status on a real broker', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker.close());

  it('is online while running and offline (the will) after the process is killed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fieldnode-will-')), 'node.yaml');
    writeFileSync(
      file,
      `node: { id: will-node, site: test-site }
dataDir: ${mkdtempSync(join(tmpdir(), 'fieldnode-will-data-'))}
broker: { url: "${broker.url}", willDelaySeconds: 1 }
boards:
  - id: station
    simulator: { device: weather-station, intervalMs: 50 }
    device: { type: lines }
    sensors: [{ name: temperature, unit: Cel, key: t }]
`,
    );
    const collector = await Collector.connect(broker.url, 'fieldnode/test-site/will-node/#');
    const run = new RunningCli(['run', file, '--log-format', 'json']);
    const states = () => collector.messages.filter((message) => message.topic === 'fieldnode/test-site/will-node/status').map((message) => (JSON.parse(message.payload.toString()) as { state: string }).state);
    await waitUntil(() => states().includes('online') && collector.records.length > 0, 10_000, () => `online status and data; stderr: ${run.stderr}`);
    expect(await run.signal('SIGKILL')).toBe(-1);
    await waitUntil(() => states().at(-1) === 'offline', 10_000, () => `offline will, got ${states().join(',')}`);
    expect(collector.records[0]).toMatchObject({ name: 'will-node/station/temperature', unit: 'Cel' });
    await collector.close();
  });
});
