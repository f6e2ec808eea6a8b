/**
 * How fast `fieldnode` starts and how much memory that takes, as a Pi Zero would feel it:
 * `--help`, `validate`, and `run` until the broker has a first pack (the publish that the
 * broker acknowledges), each in a fresh process of the built command, the median of several.
 * The peak RSS is the child's own, written by a tiny preload at its exit (or read from /proc
 * at the first pack, for a node that keeps running).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldnodeConsumer } from '../src/consumer/consumer.js';
import { writeStationConfig } from '../test/support/config-file.js';
import { printTable, waitFor } from './support.js';

const CLI = 'dist/bin/fieldnode.js';

/** Writes the process's peak RSS in kB to fd 3 as it exits; costs one small module. */
const PEAK_RSS = `--import=data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{try{writeSync(3,String(process.resourceUsage().maxRSS))}catch{}})`;

interface Figures {
  readonly ms: number;
  readonly rssMb: number;
}

/** One run of the command to its end: wall time, and peak RSS. */
function timeCommand(args: readonly string[]): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [PEAK_RSS, CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let peak = '';
    let stderr = '';
    child.stdio[3]!.on('data', (chunk: Buffer) => (peak += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`fieldnode ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, rssMb: Number(peak) / 1024 });
    });
  });
}

/** The peak RSS of a running process, in MB, from /proc (Linux). */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** `fieldnode run config` from spawn to the first pack at the broker. */
async function timeRunToFirstPack(config: string, nodeId: string, consumer: { packs: string[] }): Promise<Figures> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'run', config, '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor(() => consumer.packs.includes(nodeId), 20_000, `a first pack; the node said:\n${stderr}`);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { ms, rssMb: peakRssMb(child.pid!) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function repeat(times: number, run: (index: number) => Promise<Figures>): Promise<Figures> {
  const runs: Figures[] = [];
  for (let index = 0; index < times; index++) runs.push(await run(index));
  return { ms: median(runs.map((run) => run.ms)), rssMb: median(runs.map((run) => run.rssMb)) };
}

/** Prints the start-up figures beside their targets; `brokerUrl` is where the node publishes. */
export async function runStartup(brokerUrl: string, times: number): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-bench-startup-'));
  const seen = { packs: [] as string[] };
  const consumer = await FieldnodeConsumer.connect(brokerUrl, { onPack: (pack) => seen.packs.push(pack.node) });
  try {
    const bare = await repeat(times, () => new Promise<Figures>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn(process.execPath, [PEAK_RSS, '-e', '0'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
      let peak = '';
      child.stdio[3]!.on('data', (chunk: Buffer) => (peak += chunk.toString()));
      child.on('error', reject);
      child.on('close', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, rssMb: Number(peak) / 1024 }));
    }));
    const help = await repeat(times, () => timeCommand(['--help']));
    const config = (index: number) => writeStationConfig(join(directory, `node-${index}.yaml`), { nodeId: `startup-${index}`, dataDir: join(directory, `data-${index}`), brokerUrl, intervalMs: 20, maxReadings: 1 });
    const validate = await repeat(times, (index) => timeCommand(['validate', config(index)]));
    const run = await repeat(Math.max(3, Math.floor(times / 2)), (index) => timeRunToFirstPack(config(index), `startup-${index}`, seen));
    const row = (name: string, figures: Figures, target: string): [string, string, string] => [name, `${figures.ms.toFixed(0)} ms`, `${figures.rssMb.toFixed(0)} MB peak RSS${target ? `; target ${target}` : ''}`];
    printTable(`Start-up (median of ${times} fresh processes; run: a simulated serial weather station, first pack at the broker)`, [
      row('node -e 0 (no fieldnode)', bare, ''),
      row('fieldnode --help', help, '≤ 250 ms'),
      row('fieldnode validate', validate, ''),
      row('fieldnode run → first pack', run, '≤ 1000 ms'),
    ]);
  } finally {
    await consumer.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
