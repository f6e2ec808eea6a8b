/**
 * `npm run bench`: the weather-station twin on a socat pty, as fast as the pty carries it,
 * through the whole runtime (real serialport binding, lines driver, SenML-CBOR, MQTT 5 QoS 1)
 * to a mosquitto broker. Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSenmlCbor, toJsonSenml } from '../src/codec/index.js';
import { resolvePack } from '../src/codec/senml.js';
import { validateConfig } from '../src/config/load.js';
import { FieldNode } from '../src/node.js';
import { startEmbeddedBroker } from '../src/uplink/embedded-broker.js';
import { weatherStationFields } from '../simulators/devices/weather-station.js';
import { createPtyPair } from '../simulators/transports/pty.js';
import { findBinary } from '../test/support/find-binary.js';
import { startMosquitto } from '../test/support/mosquitto.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 100_000);
const READINGS = LINES * weatherStationFields.length;

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function main(): Promise<void> {
  const useMosquitto = findBinary('mosquitto') !== undefined;
  const broker = useMosquitto ? await startMosquitto() : await startEmbeddedBroker();
  const pty = await createPtyPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-bench-'));
  const config = validateConfig({
    dataDir,
    outbox: { drainReadingsPerSecond: 1_000_000, maxInFlight: 64 },
    node: { id: 'bench-node', site: 'bench' },
    broker: { url: broker.url, protocol: useMosquitto ? '5' : '3.1.1' },
    batching: { maxReadings: 500, maxDelayMs: 50 },
    boards: [{ id: 'station', port: pty.hostPath, baud: 115200 }],
    sensors: weatherStationFields.map((field) => ({ name: field.name, board: 'station', unit: field.unit, driver: { type: 'lines', key: field.key } })),
  });
  const node = new FieldNode(config);
  const payloads: Buffer[] = [];
  await node.start();
  node.forwarder?.onAck((payload) => payloads.push(payload));
  await waitFor(() => node.uplink?.isConnected ?? false, 10_000, 'the broker connection');

  const writerPath = fileURLToPath(new URL('./burst-writer.js', import.meta.url));
  const writer = spawn(process.execPath, [writerPath, pty.devicePath, String(LINES), '7'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let writerOutput = '';
  writer.stdout.on('data', (chunk: Buffer) => (writerOutput += chunk.toString()));
  await waitFor(() => writerOutput.includes('writing'), 60_000, 'the writer to render its lines');
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await waitFor(() => node.stats().forwarder.readingsAcked >= READINGS, 300_000, `${READINGS} acknowledged readings (have ${node.stats().forwarder.readingsAcked})`);
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const stats = node.stats();

  await node.stop();
  await pty.close();
  await broker.close();
  rmSync(dataDir, { recursive: true, force: true });

  const cborBytes = payloads.reduce((sum, payload) => sum + payload.length, 0);
  let jsonBytes = 0;
  let resolvedJsonBytes = 0;
  for (const payload of payloads) {
    const records = decodeSenmlCbor(payload);
    jsonBytes += Buffer.byteLength(toJsonSenml(records));
    const resolved = resolvePack(records).map((record) => ({ n: record.name, u: record.unit, v: record.value, t: record.time }));
    resolvedJsonBytes += Buffer.byteLength(JSON.stringify(resolved));
  }
  const cpuMicros = cpu.user + cpu.system;
  const rows: [string, string, string][] = [
    ['broker', useMosquitto ? 'mosquitto (MQTT 5, QoS 1)' : 'embedded aedes (MQTT 3.1.1, QoS 1): mosquitto not installed', ''],
    ['readings', String(READINGS), `${LINES} lines over a socat pty, ${stats.forwarder.packsAcked} packs`],
    ['problems', JSON.stringify(stats.boards['station']?.problems ?? {}), 'expected {}'],
    ['readings/s acknowledged', (READINGS / (elapsedMs / 1000)).toFixed(0), 'target ≥ 100000'],
    ['CPU µs per reading', (cpuMicros / READINGS).toFixed(2), 'target ≤ 10 (runtime process: serial, decode, encode, MQTT)'],
    ['wire bytes per reading', (cborBytes / READINGS).toFixed(2), 'SenML-CBOR payload'],
    ['  vs JSON SenML, same packs', `${(cborBytes / jsonBytes).toFixed(3)}×`, `target ≤ 0.5× (JSON: ${(jsonBytes / READINGS).toFixed(2)} B/reading)`],
    ['  vs resolved JSON records', `${(cborBytes / resolvedJsonBytes).toFixed(3)}×`, `full name and absolute time per record (${(resolvedJsonBytes / READINGS).toFixed(2)} B/reading)`],
    ['peak RSS', `${peakRssMb.toFixed(1)} MB`, 'runtime process'],
  ];
  const width = Math.max(...rows.map((row) => row[0].length));
  process.stdout.write(`\nfieldnode end-to-end benchmark\n${rows.map(([name, value, note]) => `  ${name.padEnd(width)}  ${value.padStart(12)}  ${note}`).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
