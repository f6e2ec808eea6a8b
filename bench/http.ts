/**
 * What the page costs the node: the end-to-end run (pty → outbox → broker acknowledgement)
 * once without an HTTP server, once with it on and one page's event stream connected. The
 * stream is read by a separate process, a plain HTTP client, so its reading is not counted
 * as the node's CPU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldNode } from '../src/node.js';
import { weatherStationFields } from '../simulators/devices/weather-station.js';
import { createPtyPair } from '../simulators/transports/pty.js';
import { benchConfig, printTable, startWriter, waitFor } from './support.js';

interface RunFigures {
  readonly cpuMicrosPerReading: number;
  readonly readingsPerSecond: number;
  readonly rssMb: number;
  readonly stream?: { bytes: number; cut: number };
}

/**
 * Reads `/events` until killed, reconnecting as a browser's EventSource does when the node
 * ends the stream; says how many bytes it got and how often it was cut off when it exits.
 */
const STREAM_READER = `
let bytes = 0, cut = 0;
process.on('SIGTERM', () => { process.stdout.write(bytes + ' ' + cut); process.exit(0); });
for (;;) {
  try {
    const response = await fetch(process.argv[1]);
    if (cut === 0) process.stdout.write('connected\\n');
    for await (const chunk of response.body) bytes += chunk.length;
  } catch {}
  cut++;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
`;

function readStream(url: string): { child: ChildProcess; connected: () => boolean; result: () => Promise<{ bytes: number; cut: number }> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', STREAM_READER, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    connected: () => output.startsWith('connected'),
    result: async () => {
      child.kill('SIGTERM');
      await exited;
      const [bytes, cut] = output.slice('connected\n'.length).split(' ').map(Number);
      return { bytes: bytes ?? 0, cut: cut ?? 0 };
    },
  };
}

async function run(broker: { url: string; mqtt5: boolean }, lines: number, withPage: boolean): Promise<RunFigures> {
  const readings = lines * weatherStationFields.length;
  const pty = await createPtyPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-bench-http-'));
  const node = new FieldNode(
    benchConfig({ brokerUrl: broker.url, mqtt5: broker.mqtt5, ptyPath: pty.hostPath, dataDir, ...(withPage ? { http: { host: '127.0.0.1', port: 0 } } : {}) }),
  );
  await node.start();
  await waitFor(() => node.uplink?.isConnected ?? false, 10_000, 'the broker connection');
  const reader = withPage ? readStream(`${node.httpAddress}events`) : undefined;
  if (reader) await waitFor(reader.connected, 10_000, 'the event stream');

  await startWriter(pty.devicePath, lines, 7);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await waitFor(() => node.stats().forwarder.readingsAcked >= readings, 300_000, `${readings} acknowledged readings`, {
    step: withPage ? 'http on' : 'http off',
    done: () => `${node.stats().forwarder.readingsAcked}/${readings} readings acknowledged`,
  });
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  const stream = await reader?.result();
  await node.stop();
  await pty.close();
  rmSync(dataDir, { recursive: true, force: true });
  const figures = { cpuMicrosPerReading: (cpu.user + cpu.system) / readings, readingsPerSecond: readings / (elapsedMs / 1000), rssMb };
  return stream === undefined ? figures : { ...figures, stream };
}

export async function runHttpComparison(broker: { url: string; mqtt5: boolean }, lines: number): Promise<void> {
  const off = await run(broker, lines, false);
  const on = await run(broker, lines, true);
  const readings = lines * weatherStationFields.length;
  printTable('end to end, HTTP server off vs on with one page connected', [
    ['readings per run', String(readings), `${lines} lines over a socat pty`],
    ['CPU µs per reading, off', off.cpuMicrosPerReading.toFixed(2), 'no http: section'],
    ['CPU µs per reading, on', on.cpuMicrosPerReading.toFixed(2), `one /events reader (another process): ${((on.stream?.bytes ?? 0) / 1024).toFixed(0)} KiB, cut off ${on.stream?.cut ?? 0}×`],
    ['readings/s, off / on', `${off.readingsPerSecond.toFixed(0)} / ${on.readingsPerSecond.toFixed(0)}`, ''],
    ['RSS at the end, off / on', `${off.rssMb.toFixed(1)} / ${on.rssMb.toFixed(1)} MB`, 'runtime process, after each run (the runs share it)'],
  ]);
}
