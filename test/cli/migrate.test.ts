import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { runCli } from '../support/cli.js';
import { OLD_PI_AND_SERIAL, OLD_SAMPLES } from './old-samples.js';

// A technician with a config of the old form (top-level sensors, boards with a transport and a
// baud) is told what moved, and `fieldnode migrate` prints the same config in the board form,
// which `fieldnode validate` then accepts: both as a real process on real files.

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-migrate-'));
function configFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

/** The samples name their broker password by variable: validate checks that it is set. */
const env = { FIELDNODE_BROKER_PASSWORD: 'set' };

/** Migrates the old text through the CLI and writes what it printed beside it. */
async function migrate(name: string, oldText: string): Promise<{ file: string; text: string }> {
  const result = await runCli(['migrate', configFile(`${name}.old.yaml`, oldText)]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { file: configFile(`${name}.yaml`, result.stdout), text: result.stdout };
}

async function expectValid(file: string): Promise<void> {
  const result = await runCli(['validate', file], { env });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(`${file}: ok`);
}

const parsed = (file: string) => parseConfig(readFileSync(file, 'utf8'), file);

const oldPiAndSerial = OLD_PI_AND_SERIAL;

describe('fieldnode validate and run on a config in the old form', () => {
  it('validate refuses it with status 78, saying what moved path by path, and no stack trace', async () => {
    const file = configFile('old.yaml', oldPiAndSerial);
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(78);
    expect(result.stderr.split('\n')).toEqual([
      `${file}: 6 problem(s)`,
      '  sensors: sensors now sit inside their board: each board has one device (type and device-wide options) and its sensors (name, unit and the options of that reading); run `fieldnode migrate FILE` to print this file in the new form',
      '  sensors[0]: now boards[0].sensors[0] (board "pi"), its driver "ds18b20" now boards[0].device',
      '  sensors[1]: now boards[1].sensors[0] (board "pi-gateway-health"), its driver "gateway-health" now boards[1].device',
      '  sensors[2]: now boards[2].sensors[0] (board "air"), its driver "sds011" now boards[2].device',
      "  boards[0].transport: no longer used: the device's driver says which link it needs (the Pi's files when no port is given, its header through gpio, Firmata through port)",
      '  boards[1].baud: moved into the device: boards[2].device.baud',
      '',
    ]);
    expect(result.stdout).toBe('');
  });

  it('run refuses it the same way and starts nothing', async () => {
    const file = configFile('old-run.yaml', oldPiAndSerial);
    const result = await runCli(['run', file, '--log-format', 'json']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('boards[1].baud: moved into the device: boards[2].device.baud');
    expect(result.stderr).not.toContain('node started');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('fieldnode migrate', () => {
  it.each(Object.keys(OLD_SAMPLES))('turns the old %s sample into the one shipped now', async (board) => {
    const { file } = await migrate(board, OLD_SAMPLES[board]!);
    const shipped = `boards/${board}/sample.yaml`;
    await expectValid(file);
    await expectValid(shipped);
    expect(parsed(file)).toEqual(parsed(shipped));
  });

  it('splits a Pi board into one board per host device, each keeping its own sensors in order', async () => {
    const { file } = await migrate(
      'pi',
      `node: { id: shed-01, site: allotments }
broker: { url: "mqtt://127.0.0.1:1883" }
boards:
  - { id: pi, transport: pi }
sensors:
  - { name: water_temperature, board: pi, unit: Cel, driver: { type: ds18b20, sensorId: 28-0316a2795cff, intervalMs: 30000 } }
  - { name: cpu_temperature, board: pi, unit: Cel, driver: { type: gateway-health, field: cpu_temperature } }
  - { name: soil_temperature, board: pi, unit: Cel, driver: { type: ds18b20, sensorId: 28-0416a27a01ff, intervalMs: 30000 } }
  - { name: disk_free, board: pi, unit: B, driver: { type: gateway-health, field: disk_free, path: /var/lib/fieldnode } }
`,
    );
    await expectValid(file);
    const expected = configFile(
      'pi-expected.yaml',
      `node: { id: shed-01, site: allotments }
broker: { url: "mqtt://127.0.0.1:1883" }
boards:
  - id: pi
    device: { type: ds18b20, intervalMs: 30000 }
    sensors:
      - { name: water_temperature, unit: Cel, sensorId: 28-0316a2795cff }
      - { name: soil_temperature, unit: Cel, sensorId: 28-0416a27a01ff }
  - id: pi-gateway-health
    device: { type: gateway-health }
    sensors:
      - { name: cpu_temperature, unit: Cel, field: cpu_temperature }
      - { name: disk_free, unit: B, field: disk_free, path: /var/lib/fieldnode }
`,
    );
    expect(parsed(file)).toEqual(parsed(expected));
  });

  it('moves an option every Modbus sensor repeated to the device, once', async () => {
    const { file, text } = await migrate(
      'modbus',
      `node: { id: river-06, site: weir-bridge }
broker: { url: "mqtt://127.0.0.1:1883" }
boards:
  - { id: river, port: /dev/ttyUSB0, baud: 19200 }
sensors:
  - { name: level, board: river, unit: m, driver: { type: modbus-rtu, slave: 1, function: 4, register: 0, dataType: float32, intervalMs: 2000, timeoutMs: 500 } }
  - { name: flow, board: river, unit: m3/s, driver: { type: modbus-rtu, slave: 3, function: 3, register: 10, dataType: uint16, scale: 0.001, intervalMs: 2000, timeoutMs: 500 } }
`,
    );
    await expectValid(file);
    expect(text.match(/intervalMs/g)).toHaveLength(1);
    expect(text.match(/timeoutMs/g)).toHaveLength(1);
    const expected = configFile(
      'modbus-expected.yaml',
      `node: { id: river-06, site: weir-bridge }
broker: { url: "mqtt://127.0.0.1:1883" }
boards:
  - id: river
    port: /dev/ttyUSB0
    device: { type: modbus-rtu, baud: 19200, intervalMs: 2000, timeoutMs: 500 }
    sensors:
      - { name: level, unit: m, slave: 1, function: 4, register: 0, dataType: float32 }
      - { name: flow, unit: m3/s, slave: 3, function: 3, register: 10, dataType: uint16, scale: 0.001 }
`,
    );
    expect(parsed(file)).toEqual(parsed(expected));
  });

  it('leaves a config in the current form alone, saying so', async () => {
    const result = await runCli(['migrate', 'boards/arduino-uno/sample.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('fieldnode: boards/arduino-uno/sample.yaml is already in the current form\n');
  });
});
