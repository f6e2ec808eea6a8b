import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../src/config/load.js';
import type { NodeConfig } from '../src/config/schema.js';
import { weatherStationFields } from '../simulators/devices/weather-station.js';

/** A long wait's progress line: the step's name and how far it is (`120000/400000 readings acknowledged`). */
export interface Progress {
  readonly step: string;
  readonly done: () => string;
}

/** Progress lines go to stderr at most this often, so stdout keeps only the figures. */
const PROGRESS_INTERVAL_MS = 1000;

/** Polls until `condition` holds, saying how far `progress` is every second; fails the benchmark after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string, progress?: Progress): Promise<void> {
  const startedAt = Date.now();
  const deadline = startedAt + timeoutMs;
  let saidAt = startedAt;
  while (!condition()) {
    const now = Date.now();
    if (now > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    if (progress && now - saidAt >= PROGRESS_INTERVAL_MS) {
      saidAt = now;
      process.stderr.write(`${progress.step}: ${progress.done()}, ${Math.round((now - startedAt) / 1000)} s\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A weather-station node on a pty, tuned for throughput. */
export function benchConfig(options: { brokerUrl: string; mqtt5: boolean; ptyPath: string; dataDir: string; outbox?: Record<string, unknown>; http?: Record<string, unknown> }): NodeConfig {
  return validateConfig({
    ...(options.http ? { http: options.http } : {}),
    dataDir: options.dataDir,
    outbox: { drainReadingsPerSecond: 1_000_000, maxInFlight: 64, ...options.outbox },
    node: { id: 'bench-node', site: 'bench' },
    broker: { url: options.brokerUrl, protocol: options.mqtt5 ? '5' : '3.1.1', reconnect: { initialDelayMs: 100, maxDelayMs: 200 } },
    batching: { maxReadings: 500, maxDelayMs: 50 },
    boards: [
      {
        id: 'station',
        port: options.ptyPath,
        device: { type: 'lines', baud: 115200 },
        sensors: weatherStationFields.map((field) => ({ name: field.name, unit: field.unit, key: field.key })),
      },
    ],
  });
}

/** Starts the pty writer; resolves once it has rendered its lines and begins to write. */
export async function startWriter(devicePath: string, lines: number, seed: number, linesPerSecond?: number): Promise<{ child: ChildProcess; done: () => boolean }> {
  const writerPath = fileURLToPath(new URL('./burst-writer.js', import.meta.url));
  const args = [writerPath, devicePath, String(lines), String(seed), ...(linesPerSecond ? [String(linesPerSecond)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('writing'), 120_000, 'the writer to render its lines');
  return { child, done: () => output.includes('done') };
}

/** Resident set size now, in MB, after a garbage collection when the benchmark runs with --expose-gc. */
export function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  if (process.env['BENCH_MEMORY_DETAIL']) process.stderr.write(`memory: ${JSON.stringify(Object.fromEntries(Object.entries(usage).map(([key, value]) => [key, (value / 1048576).toFixed(1)])))}\n`);
  return usage.rss / 1024 / 1024;
}

/** Prints a titled table of figures. */
export function printTable(title: string, rows: [string, string, string][]): void {
  const width = Math.max(...rows.map((row) => row[0].length));
  process.stdout.write(`\n${title}\n${rows.map(([name, value, note]) => `  ${name.padEnd(width)}  ${value.padStart(14)}  ${note}`).join('\n')}\n`);
}
