/**
 * End to end, as fast as a pty carries it: weather-station lines → real serialport binding →
 * lines driver → SenML-CBOR → outbox (SQLite) → MQTT QoS 1 → broker acknowledgement.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSenmlCbor, toJsonSenml } from '../src/codec/index.js';
import { resolvePack } from '../src/codec/senml.js';
import { FieldNode } from '../src/node.js';
import { weatherStationFields } from '../simulators/devices/weather-station.js';
import { createPtyPair } from '../simulators/transports/pty.js';
import { benchConfig, printTable, startWriter, waitFor } from './support.js';

export async function runThroughput(broker: { url: string; mqtt5: boolean; label: string }, lines: number): Promise<void> {
  const readings = lines * weatherStationFields.length;
  const pty = await createPtyPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-bench-'));
  const node = new FieldNode(benchConfig({ brokerUrl: broker.url, mqtt5: broker.mqtt5, ptyPath: pty.hostPath, dataDir }));
  const payloads: Buffer[] = [];
  await node.start();
  node.forwarder?.onAck((payload) => payloads.push(payload));
  await waitFor(() => node.uplink?.isConnected ?? false, 10_000, 'the broker connection');

  await startWriter(pty.devicePath, lines, 7);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await waitFor(() => node.stats().forwarder.readingsAcked >= readings, 300_000, `${readings} acknowledged readings`, {
    step: 'throughput',
    done: () => `${node.stats().forwarder.readingsAcked}/${readings} readings acknowledged`,
  });
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const stats = node.stats();
  await node.stop();
  await pty.close();
  rmSync(dataDir, { recursive: true, force: true });

  const cborBytes = payloads.reduce((sum, payload) => sum + payload.length, 0);
  let jsonBytes = 0;
  let resolvedJsonBytes = 0;
  for (const payload of payloads) {
    const records = decodeSenmlCbor(payload);
    jsonBytes += Buffer.byteLength(toJsonSenml(records));
    resolvedJsonBytes += Buffer.byteLength(JSON.stringify(resolvePack(records).map((record) => ({ n: record.name, u: record.unit, v: record.value, t: record.time }))));
  }
  printTable('end to end, outbox on', [
    ['broker', broker.label, ''],
    ['readings', String(readings), `${lines} lines over a socat pty, ${stats.forwarder.packsAcked} packs`],
    ['problems', JSON.stringify(stats.boards['station']?.problems ?? {}), 'expected {}'],
    ['readings/s acknowledged', (readings / (elapsedMs / 1000)).toFixed(0), 'target ≥ 100000'],
    ['CPU µs per reading', ((cpu.user + cpu.system) / readings).toFixed(2), 'target ≤ 10 (runtime process: serial, decode, encode, outbox, MQTT)'],
    ['wire bytes per reading', (cborBytes / readings).toFixed(2), 'SenML-CBOR payload, session fields included'],
    ['  vs JSON SenML, same packs', `${(cborBytes / jsonBytes).toFixed(3)}×`, `target ≤ 0.5× (JSON: ${(jsonBytes / readings).toFixed(2)} B/reading)`],
    ['  vs resolved JSON records', `${(cborBytes / resolvedJsonBytes).toFixed(3)}×`, `full name and absolute time per record (${(resolvedJsonBytes / readings).toFixed(2)} B/reading)`],
    ['peak RSS', `${peakRssMb.toFixed(1)} MB`, 'runtime process'],
  ]);
}
