import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunningCli, runCli } from '../support/cli.js';

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-cli-'));
function configFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

const broken = configFile(
  'broken.yaml',
  `node: { id: ws-01, site: harbour }
broker: { url: "mqtt://127.0.0.1:1" }
boards:
  - id: station
    port: /dev/ttyUSB0
    device: { type: lines, baud: "9600" }
    sensors:
      - { name: temperature, key: t }
      - { name: pressure, key: p, scale: "x" }
  - id: spare
    port: /dev/ttyUSB0
    device: { type: lines }
    sensors:
      - { name: humidity }
`,
);

describe('fieldnode validate', () => {
  it('lists every problem with its path and exits 78', async () => {
    const result = await runCli(['validate', broken]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${broken}: 4 problem(s)`);
    expect(result.stderr).toContain('boards[0].device.baud: expected number, got string "9600"');
    expect(result.stderr).toContain('boards[0].sensors[1].scale: expected number, got string "x"');
    expect(result.stderr).toContain('boards[1].port: port /dev/ttyUSB0 is also used by boards[0]; one port carries one board');
    expect(result.stderr).toContain('boards[1].sensors[0].key: required: the device prints kv lines (boards[1].device.format)');
  });

  it('accepts a good file and says what it holds', async () => {
    // The sample names its password by variable: validate checks that it is set, as run would.
    const result = await runCli(['validate', 'boards/arduino-uno/weather-station.yaml'], { env: { FIELDNODE_BROKER_PASSWORD: 'set' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok (node ws-01 at harbour-east, 1 board(s), 4 sensor(s))');
  });
});

describe('fieldnode run', () => {
  it('refuses a bad config with status 78 and starts nothing', async () => {
    const result = await runCli(['run', broken, '--log-format', 'json']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('boards[1].port: port /dev/ttyUSB0 is also used by boards[0]');
    expect(result.stderr).not.toContain('serial port open');
    expect(result.stderr).not.toContain('node started');
  });

  it('says which port is missing, keeps running and waits for it, without a stack trace', async () => {
    const config = configFile(
      'missing-port.yaml',
      `node: { id: ws-01, site: harbour }
dataDir: ${directory}/data
broker: { url: "mqtt://127.0.0.1:1" }
boards:
  - id: station
    port: /dev/serial/by-id/usb-not-plugged-in
    device: { type: lines }
    sensors: [{ name: temperature, key: t }]
`,
    );
    const run = new RunningCli(['run', config, '--log-format', 'json']);
    await run.waitForStderr(/serial port \/dev\/serial\/by-id\/usb-not-plugged-in does not exist: check the cable and the path.*; retrying/);
    await run.waitForStderr(/"msg":"node started"/);
    expect(await run.signal('SIGINT')).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs the node even when --tail cannot reach the broker', async () => {
    const config = configFile(
      'no-broker.yaml',
      `node: { id: lonely, site: harbour }
dataDir: ${directory}/data
broker: { url: "mqtt://127.0.0.1:1" }
boards:
  - id: station
    simulator: { device: weather-station, intervalMs: 20 }
    device: { type: lines }
    sensors: [{ name: temperature, unit: Cel, key: t }]
`,
    );
    const run = new RunningCli(['run', config, '--tail', '--log-format', 'json']);
    await run.waitForStderr(/"msg":"node started"/);
    await run.waitForStderr(/cannot show the tail/);
    await run.waitForStderr(/refused the connection: is it running, and is the port right\?/);
    const exit = run.signal('SIGINT');
    expect(await exit).toBe(0);
  });

  it('refuses a --broker override with credentials in it', async () => {
    const result = await runCli(['run', 'boards/arduino-uno/weather-station.demo.yaml', '--broker', 'mqtt://user:pw@127.0.0.1:1']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('broker.url: no user or password in the URL');
  });

  it('runs the demo with no arguments: decoded readings within seconds, clean stop on Ctrl-C', async () => {
    const run = new RunningCli(['run', '--log-format', 'json']);
    const reading = /^\d\d:\d\d:\d\d\.\d{3} {2}demo\/demo-node\/station {2}(temperature|humidity|pressure|rain)\s+-?\d+(\.\d+)? (Cel|%RH|Pa|mm)$/;
    await run.waitForStdout((lines) => lines.filter((line) => reading.test(line)).length >= 8, 10_000);
    const names = new Set(run.stdoutLines().map((line) => line.split(/\s+/)[2]));
    expect(names).toEqual(new Set(['temperature', 'humidity', 'pressure', 'rain']));
    expect(run.stdoutLines().every((line) => reading.test(line))).toBe(true);
    expect(await run.signal('SIGINT')).toBe(0);
    expect(run.stderr).toContain('"msg":"stopping"');
  });
});
