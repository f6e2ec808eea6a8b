/**
 * A command line loads only what it uses: `--help` none of the runtime's libraries, a node of
 * serial boards none of the pin, Pi, embedded-broker or HTTP libraries, nor MQTT.js's
 * WebSocket and SOCKS transports (a Pi Zero has little memory and a slow disk). Real `fieldnode` processes, with a preload that records every
 * module they load, ES and CommonJS alike.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldnodeConsumer, type ConsumedPack } from '../../src/consumer/consumer.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { bundledTwinNames } from '../../simulators/twin-loaders.js';
import { RunningCli, runCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { writeStationConfig } from '../support/config-file.js';

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-lazy-'));
const RECORDER = resolve('test/support/load-recorder.mjs');

/** The packages below node_modules that the log names, by name (`@scope/name` kept whole). */
function packagesIn(log: string): Set<string> {
  const names = readFileSync(log, 'utf8')
    .split('\n')
    .map((line) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return new Set(names);
}

/** A config `<name>.yaml` of node `<name>-node` with one board, `station`, whose other keys are `board` (indented as a board's). */
function writeOneBoardConfig(name: string, brokerUrl: string, board: string): string {
  const config = join(directory, `${name}.yaml`);
  writeFileSync(
    config,
    `node: { id: ${name}-node, site: test-site }
dataDir: ${join(directory, `${name}-data`)}
broker: { url: "${brokerUrl}" }
boards:
  - id: station
    ${board}
`,
  );
  return config;
}

/** Environment that makes a `fieldnode` child record what it loads into `log`. */
const recording = (log: string) => ({ NODE_OPTIONS: `--import=${RECORDER}`, FIELDNODE_LOAD_LOG: log });

/** Loaded only for Firmata or Pi pin boards, Pi buses, an embedded broker, `http:`, pretty logs, or an emulated board. */
const ON_DEMAND = ['johnny-five', 'firmata-io', 'aedes', 'i2c-bus', 'node-libgpiod', 'prom-client', 'pino-pretty', 'avr8js'];

describe('what a command line loads', () => {
  it('--help loads commander and none of the runtime libraries', async () => {
    const log = join(directory, 'help.log');
    const result = await runCli(['--help'], { env: recording(log) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: fieldnode');
    const loaded = packagesIn(log);
    expect(loaded).toContain('commander');
    for (const name of [...ON_DEMAND, 'mqtt', 'better-sqlite3', 'serialport', '@serialport/stream', 'zod', 'yaml', 'cbor-x', 'pino']) expect(loaded, name).not.toContain(name);
  });

  it('validate reads the config with zod and yaml, and opens no broker, outbox or port library', async () => {
    const log = join(directory, 'validate.log');
    const config = writeStationConfig(join(directory, 'validate.yaml'), { nodeId: 'checked-node', dataDir: join(directory, 'unused'), brokerUrl: 'mqtt://127.0.0.1:1', intervalMs: 20, maxReadings: 2 });
    const result = await runCli(['validate', config], { env: recording(log) });
    expect(result.stdout).toContain(': ok (node checked-node');
    const loaded = packagesIn(log);
    for (const name of ['zod', 'yaml']) expect(loaded, name).toContain(name);
    for (const name of [...ON_DEMAND, 'mqtt', 'better-sqlite3', 'serialport']) expect(loaded, name).not.toContain(name);
  });

  it('validate loads only the twins a config names: none for real hardware, the weather station alone for one', async () => {
    const twinModules = (log: string) => new Set(readFileSync(log, 'utf8').split('\n').map((line) => /simulators\/devices\/([\w-]+)\.[jt]s/.exec(line)?.[1]).filter((name) => name !== undefined && bundledTwinNames.includes(name)));
    const hardwareLog = join(directory, 'validate-hardware.log');
    const hardware = await runCli(['validate', 'boards/raspberry-pi-4/sample.yaml'], { env: { ...recording(hardwareLog), FIELDNODE_BROKER_PASSWORD: 'secret' } });
    expect(hardware.stdout).toContain(': ok (node');
    expect([...twinModules(hardwareLog)]).toEqual([]);
    const stationLog = join(directory, 'validate-station.log');
    const config = writeStationConfig(join(directory, 'validate-station.yaml'), { nodeId: 'station-node', dataDir: join(directory, 'unused'), brokerUrl: 'mqtt://127.0.0.1:1', intervalMs: 20, maxReadings: 2 });
    expect((await runCli(['validate', config], { env: recording(stationLog) })).stdout).toContain(': ok (node station-node');
    expect([...twinModules(stationLog)]).toEqual(['weather-station']);
  });

  describe('a node of serial boards (a twin on a mock port)', () => {
    let broker: EmbeddedBroker;
    let consumer: FieldnodeConsumer;
    const packs: ConsumedPack[] = [];
    beforeAll(async () => {
      broker = await startEmbeddedBroker();
      consumer = await FieldnodeConsumer.connect(broker.url, { onPack: (pack) => packs.push(pack) });
    });
    afterAll(async () => {
      await consumer?.close();
      await broker?.close();
    });

    it('publishes without loading the pin, Pi, embedded-broker or HTTP libraries', async () => {
      const log = join(directory, 'run.log');
      const config = writeStationConfig(join(directory, 'serial.yaml'), { nodeId: 'lazy-node', dataDir: join(directory, 'data'), brokerUrl: broker.url, intervalMs: 20, maxReadings: 2 });
      const node = new RunningCli(['run', config, '--log-format', 'json'], recording(log));
      await waitUntil(() => packs.some((pack) => pack.node === 'lazy-node'), 15_000, () => `a pack from the node; its stderr:\n${node.stderr}`);
      expect(await node.signal('SIGTERM')).toBe(0);
      const loaded = packagesIn(log);
      // What every node loads, so the record is known to work.
      for (const name of ['mqtt', 'better-sqlite3', 'zod', '@serialport/stream']) expect(loaded, name).toContain(name);
      for (const name of ON_DEMAND) expect(loaded, name).not.toContain(name);
      // MQTT.js's WebSocket and SOCKS transports: an mqtt:// broker needs neither.
      for (const name of ['ws', 'socks']) expect(loaded, name).not.toContain(name);
    });

    it('runs real hardware without the simulators: no twin, mock port or simulated Pi is loaded', async () => {
      const log = join(directory, 'hardware.log');
      const config = writeOneBoardConfig('hardware', broker.url, `port: ${join(directory, 'no-such-port')}
    device: { type: lines, baud: 9600 }
    sensors:
      - { name: temperature, unit: Cel, key: t }`);
      const node = new RunningCli(['run', config, '--log-format', 'json'], recording(log));
      // The port is missing: the node starts anyway, and says it is waiting for it.
      await node.waitForStderr(/no-such-port/, 15_000);
      expect(await node.signal('SIGTERM')).toBe(0);
      const ours = readFileSync(log, 'utf8')
        .split('\n')
        .map((line) => /\/simulators\/(.+)\.js$/.exec(line)?.[1])
        .filter((module) => module !== undefined);
      // The composition root reads which twins the config names from this one alone.
      expect(new Set(ours)).toEqual(new Set(['twin-loaders']));
    });

    it('tail watches the node without MQTT.js\'s WebSocket and SOCKS transports', async () => {
      const log = join(directory, 'tail.log');
      const config = writeStationConfig(join(directory, 'tailed.yaml'), { nodeId: 'tailed-node', dataDir: join(directory, 'tailed-data'), brokerUrl: broker.url, intervalMs: 20, maxReadings: 2 });
      const tail = new RunningCli(['tail', '--broker', broker.url, '--node', 'tailed-node', '--json'], recording(log));
      const node = new RunningCli(['run', config, '--log-format', 'json']);
      try {
        await waitUntil(() => tail.stdout.includes('"kind":"reading"'), 15_000, () => `a reading in tail's output; its stderr:\n${tail.stderr}`);
      } finally {
        await node.signal('SIGTERM');
      }
      expect(await tail.signal('SIGTERM')).toBe(0);
      const loaded = packagesIn(log);
      expect(loaded).toContain('mqtt');
      for (const name of ['ws', 'socks']) expect(loaded, name).not.toContain(name);
    });
  });

  it('a Firmata board loads johnny-five and firmata-io, the embedded broker aedes', async () => {
    const log = join(directory, 'firmata.log');
    const config = writeOneBoardConfig('firmata', 'mqtt://127.0.0.1:1', `simulator: { device: firmata-board, seed: 3 }
    device: { type: thermometer, intervalMs: 100 }
    sensors:
      - { name: air, unit: Cel, pin: A0, controller: LM35 }`);
    const node = new RunningCli(['run', config, '--embedded-broker', '--no-tail', '--log-format', 'json'], recording(log));
    await node.waitForStderr(/"msg":"firmata board ready"/, 15_000);
    expect(await node.signal('SIGTERM')).toBe(0);
    const loaded = packagesIn(log);
    for (const name of ['johnny-five', 'firmata-io', 'aedes']) expect(loaded, name).toContain(name);
    expect(loaded).not.toContain('prom-client');
  });
});
