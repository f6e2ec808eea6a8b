/**
 * What a gateway costs at the rates it really sees, measured on its own process from /proc,
 * side by side with a naive serialport + MQTT.js script and Node-RED in the same run:
 * - steady 1,000 lines/s of 4 readings (batching 100 readings / 1 s): CPU per reading, RSS;
 * - a typical pole, 10 readings/s, and idle: share of a core, wakeups per second, RSS;
 * - a burst: peak RSS;
 * - latency from a line's write to the subscriber, batching off and default;
 * - a Pi-class run inside a cgroup (v1 cpu and memory controllers) of 20 % of a core and
 *   256 MB, at 200 readings/s: no loss, no growth, p99 latency.
 * The gateway runs as `fieldnode run` with the V8 flags of the systemd unit (BENCH_NODE_FLAGS
 * sets others, to compare).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { decodeSenmlCbor } from '../src/codec/index.js';
import { resolvePack } from '../src/codec/senml.js';
import { boardStatusTopic, dataTopic, type NodeAddress } from '../src/uplink/topics.js';
import { NODE_FLAGS } from '../src/service/node-flags.js';
import { createPtyPair, type PtyPair } from '../simulators/transports/pty.js';
import { costBetween, sampleProcess, type ProcessSample } from './process-sample.js';
import { nodeRedCommand, nodeRedReadyTopic, prepareNodeRed, type NodeRedPeer } from './node-red-peer.js';
import { printTable } from './support.js';

/** The unit's flags, or others to compare (BENCH_NODE_FLAGS, space-separated; empty for none). */
const gatewayFlags: readonly string[] = process.env['BENCH_NODE_FLAGS'] === undefined ? NODE_FLAGS : process.env['BENCH_NODE_FLAGS'].split(' ').filter(Boolean);
/** The measured node's address (the default topic prefix). */
const BENCH_NODE: NodeAddress = { prefix: 'fieldnode', site: 'bench', node: 'steady' };
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (text: string) => process.stderr.write(`steady state: ${text}\n`);

interface Broker {
  readonly url: string;
}

/** fieldnode, or a peer doing the same job: the naive script, or a Node-RED flow (both publish SenML JSON, a line each). */
type GatewayKind = 'fieldnode' | 'naive' | 'node-red';

/** A cgroup (v1) that models a Pi Zero 2 W, or undefined where the controllers are not writable. */
interface PiCgroup {
  readonly prefix: string[];
  remove(): void;
}

function piCgroup(cpuPercent: number, memoryMb: number): PiCgroup | undefined {
  const name = `fieldnode-bench-${process.pid}`;
  const cpu = `/sys/fs/cgroup/cpu/${name}`;
  const memory = `/sys/fs/cgroup/memory/${name}`;
  try {
    mkdirSync(cpu);
    mkdirSync(memory);
    writeFileSync(`${cpu}/cpu.cfs_period_us`, '100000');
    writeFileSync(`${cpu}/cpu.cfs_quota_us`, String(cpuPercent * 1000));
    writeFileSync(`${memory}/memory.limit_in_bytes`, String(memoryMb * 1024 * 1024));
  } catch (error) {
    say(`no cgroup (${(error as Error).message}): the Pi-class run needs writable v1 cpu and memory controllers (root)`);
    for (const dir of [cpu, memory]) if (existsSync(dir)) rmdirSync(dir);
    return undefined;
  }
  return {
    // The shell joins the cgroups, then becomes the gateway: nothing runs outside them.
    prefix: ['/bin/sh', '-c', `echo $$ > ${cpu}/cgroup.procs && echo $$ > ${memory}/cgroup.procs && exec "$@"`, 'sh'],
    remove: () => {
      for (const dir of [cpu, memory]) {
        try {
          rmdirSync(dir);
        } catch {
          // Still has a dying process: the kernel removes nothing until it is gone.
        }
      }
    },
  };
}

interface Run {
  readonly child: ChildProcess;
  readonly pty: PtyPair;
  readonly readings: () => number;
  readonly latencies: number[];
  /** Resolves when the gateway can read its port: fieldnode's board is online (its retained status). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

/** Starts a gateway (fieldnode or the naive script) on a fresh pty and a subscriber counting what arrives. */
async function startGateway(kind: GatewayKind, broker: Broker, options: { batching?: object; stamped?: boolean; cgroup?: PiCgroup; nodeRed?: NodeRedPeer } = {}): Promise<Run> {
  const pty = await createPtyPair();
  const dir = mkdtempSync(join(tmpdir(), 'fieldnode-steady-'));
  const keys = options.stamped ? ['t', 'h', 'p', 'w'] : ['t', 'h', 'p', 'r'];
  const units: Record<string, string> = { t: 'Cel', h: '%RH', p: 'Pa', r: 'mm', w: 's' };
  const topic = kind === 'fieldnode' ? dataTopic(BENCH_NODE, 'station') : `${kind}/station`;
  const config = join(dir, 'fieldnode.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      node: { id: BENCH_NODE.node, site: BENCH_NODE.site },
      broker: { url: broker.url, protocol: '5' },
      batching: options.batching ?? { maxReadings: 100, maxDelayMs: 1000 },
      boards: [{ id: 'station', port: pty.hostPath, device: { type: 'lines', baud: 115200 }, sensors: keys.map((key) => ({ name: key, unit: units[key], key })) }],
    }),
  );
  let readings = 0;
  const latencies: number[] = [];
  const subscriber = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  await subscriber.subscribeAsync(topic, { qos: 1 });
  const statusTopic = kind === 'fieldnode' ? boardStatusTopic(BENCH_NODE, 'station') : kind === 'node-red' ? nodeRedReadyTopic(topic) : undefined;
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  if (statusTopic) await subscriber.subscribeAsync(statusTopic, { qos: 1 });
  subscriber.on('message', (messageTopic, payload, packet) => {
    if (messageTopic === statusTopic) {
      // A retained status is an earlier run's: only this gateway's own announcement counts.
      if (!packet.retain && (kind === 'node-red' || (JSON.parse(payload.toString()) as { state?: string }).state === 'online')) markReady();
      return;
    }
    const receivedAt = (performance.timeOrigin + performance.now()) / 1000;
    const records = kind === 'fieldnode' ? resolvePack(decodeSenmlCbor(payload)) : (JSON.parse(payload.toString()) as { n: string; v: number }[]).map((record) => ({ name: record.n, value: record.v }));
    readings += records.length;
    for (const record of records) if (record.name.endsWith('w') && typeof record.value === 'number') latencies.push((receivedAt - record.value) * 1000);
  });
  if (kind === 'node-red' && !(options.nodeRed && 'redJs' in options.nodeRed)) throw new Error('a Node-RED run needs an installed Node-RED');
  const command =
    kind === 'naive'
      ? [process.execPath, here('./naive-gateway.js'), pty.hostPath, broker.url, topic]
      : kind === 'node-red'
        ? nodeRedCommand(options.nodeRed as { redJs: string }, join(dir, 'node-red'), pty.hostPath, broker.url, topic)
        : [process.execPath, ...gatewayFlags, here('../bin/fieldnode.js'), 'run', config, '--log-level', 'warn'];
  const argv = [...(options.cgroup?.prefix ?? []), ...command];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  // The naive script says nothing when it is up: it gets the time fieldnode took, or a second.
  const startedAt = Date.now();
  if (kind === 'naive') setTimeout(markReady, 1500);
  return {
    child,
    pty,
    readings: () => readings,
    latencies,
    ready: ready.then(() => {
      say(`${kind} ready after ${Date.now() - startedAt} ms`);
    }),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await subscriber.endAsync();
      await pty.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes lines at `rate` for `seconds` through the pacer; resolves when it has started. */
async function pace(pty: PtyPair, rate: number, seconds: number, stamped = false): Promise<{ finished: Promise<void>; stop: () => void }> {
  const child = spawn(process.execPath, [here('./line-pacer.js'), pty.devicePath, String(rate), String(seconds), ...(stamped ? ['stamp'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  while (!output.includes('writing')) await sleep(10);
  return { finished: new Promise((resolve) => child.once('exit', () => resolve())), stop: () => void child.kill() };
}

/** Samples RSS every `everyMs` until stopped, for the peak. */
function watchRss(pid: number, everyMs = 100): { peak: () => number; stop: () => void } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, sampleProcess(pid).rssMb);
    } catch {
      // The process is gone.
    }
  }, everyMs);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

/** A measured window of a run after its warm-up. */
async function measure(run: Run, warmupMs: number, windowMs: number): Promise<{ before: ProcessSample; after: ProcessSample; received: number; peakRss: number }> {
  await sleep(warmupMs);
  const rss = watchRss(run.child.pid!);
  const before = sampleProcess(run.child.pid!);
  const receivedBefore = run.readings();
  await sleep(windowMs);
  const after = sampleProcess(run.child.pid!);
  rss.stop();
  return { before, after, received: run.readings() - receivedBefore, peakRss: Math.max(rss.peak(), after.rssMb) };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Seconds each steady run goes before its window (BENCH_WARMUP_SECONDS). A node runs for days;
 * in its first minute V8 is still optimising the code that runs once per pack (40 times a
 * second at 1,000 lines/s, so it reaches the optimising compiler's budget late): measured,
 * about 3 optimisations a second 10 to 20 s after start, 1 a second after a minute, each some
 * milliseconds of a process that spends about 50 a second in all. 10 s, the earlier default,
 * reproduces earlier figures.
 */
const WARM_UP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 60);

/**
 * The pole's warm-up (BENCH_POLE_WARMUP_SECONDS): at 2.5 lines/s the optimising compiler takes
 * the code of a line and a pack over the first one or two minutes (sooner on Node.js 20, whose
 * budget `fieldnode run` lowers), and while it does it costs more than it saves: measured
 * after 60 s, 0.92 and 1.12 % of a core; after 150 s, 0.43 and 0.48 %.
 */
const POLE_WARM_UP_SECONDS = Number(process.env['BENCH_POLE_WARMUP_SECONDS'] ?? 180);

async function steadyRun(kind: GatewayKind, broker: Broker, linesPerSecond: number, seconds: number, options: { nodeRed?: NodeRedPeer; warmUpSeconds?: number } = {}) {
  const { nodeRed, warmUpSeconds = WARM_UP_SECONDS } = options;
  say(`${kind} at ${linesPerSecond} lines/s: ${warmUpSeconds} s of warm-up, then ${seconds} s measured`);
  const run = await startGateway(kind, broker, nodeRed ? { nodeRed } : {});
  await run.ready;
  // The warm-up outlasts start-up's transients: V8's memory reducer collects for some seconds after.
  const writer = linesPerSecond > 0 ? await pace(run.pty, linesPerSecond, seconds + warmUpSeconds + 2) : undefined;
  const window = await measure(run, warmUpSeconds * 1000, seconds * 1000);
  writer?.stop();
  await run.stop();
  const readings = linesPerSecond * 4 * ((window.after.atMs - window.before.atMs) / 1000);
  return { ...costBetween(window.before, window.after, readings), rssMb: window.after.rssMb, privateMb: window.after.privateMb, peakRssMb: window.peakRss, received: window.received, readings };
}

async function latencyRun(broker: Broker, batching: object, linesPerSecond: number, seconds: number, cgroup?: PiCgroup) {
  const run = await startGateway('fieldnode', broker, { batching, stamped: true, ...(cgroup ? { cgroup } : {}) });
  await run.ready;
  const writer = await pace(run.pty, linesPerSecond, seconds, true);
  const rss = watchRss(run.child.pid!, 250);
  const early = await sleep(seconds * 250).then(() => sampleProcess(run.child.pid!));
  const startCpu = early;
  await writer.finished;
  const late = sampleProcess(run.child.pid!);
  // Let the last batch out before counting.
  for (let waited = 0; run.readings() < linesPerSecond * seconds * 4 && waited < 10_000; waited += 100) await sleep(100);
  rss.stop();
  const received = run.readings();
  const latencies = [...run.latencies];
  await run.stop();
  return { sent: linesPerSecond * seconds * 4, received, p50: percentile(latencies, 50), p99: percentile(latencies, 99), earlyRss: early.rssMb, lateRss: late.rssMb, peakRss: rss.peak(), cpuPercent: costBetween(startCpu, late, 0).cpuPercent };
}

/**
 * The libraries a node of serial boards loads, all of them, with nothing of fieldnode's own:
 * the floor under the node's idle RSS that no code of its own can go below.
 */
const NODE_LIBRARIES = ['mqtt', 'zod', 'yaml', 'pino', 'cbor-x', 'better-sqlite3', 'crc/crc16modbus', 'commander', '@serialport/bindings-cpp', '@serialport/stream', '@serialport/parser-readline'];

/**
 * An idle process with the unit's flags: bare Node.js, or one that has imported `libraries`
 * (ES imports, as the node's are). Its RSS is read by the caller after the same warm-up as the
 * idle node's, so V8's memory reducer has had the same time.
 */
function idleFloor(libraries: readonly string[]): { sample: () => ProcessSample; stop: () => void } {
  const source = `${libraries.map((name) => `await import(${JSON.stringify(name)});`).join('')}setInterval(() => {}, 1 << 30);`;
  // From the package's root, so that the imports resolve as the node's do.
  const child = spawn(process.execPath, [...gatewayFlags, '--input-type=module', '-e', source], { cwd: here('../..'), stdio: ['ignore', 'ignore', 'inherit'] });
  return { sample: () => sampleProcess(child.pid!), stop: () => void child.kill() };
}

/** Runs every steady-state figure against `broker` and prints them with their targets. */
export async function runSteadyState(broker: Broker, seconds: number): Promise<void> {
  const nodeRedPeer = prepareNodeRed(say);
  if ('unavailable' in nodeRedPeer) say(`no Node-RED peer: ${nodeRedPeer.unavailable}`);
  const fieldnode = await steadyRun('fieldnode', broker, 1000, seconds);
  const naive = await steadyRun('naive', broker, 1000, seconds);
  const nodeRed = 'redJs' in nodeRedPeer ? await steadyRun('node-red', broker, 1000, seconds, { nodeRed: nodeRedPeer }) : undefined;
  const pole = await steadyRun('fieldnode', broker, 2.5, seconds, { warmUpSeconds: POLE_WARM_UP_SECONDS });
  // Started with the idle node, so that they have idled as long when they are read.
  const bareFloor = idleFloor([]);
  const libraryFloor = idleFloor(NODE_LIBRARIES);
  const idle = await steadyRun('fieldnode', broker, 0, seconds);
  const floors = { bare: bareFloor.sample(), libraries: libraryFloor.sample() };
  bareFloor.stop();
  libraryFloor.stop();
  say('burst of 100,000 lines');
  const burstRun = await startGateway('fieldnode', broker);
  await burstRun.ready;
  const burstRss = watchRss(burstRun.child.pid!, 50);
  const burst = await pace(burstRun.pty, 50_000, 2);
  await burst.finished;
  for (let waited = 0; burstRun.readings() < 400_000 && waited < 60_000; waited += 100) await sleep(100);
  burstRss.stop();
  const burstReceived = burstRun.readings();
  await burstRun.stop();

  /** Node-RED's figure for a row, after the naive one, when it ran. */
  const andNodeRed = (separator: string, figure: (run: NonNullable<typeof nodeRed>) => string) => (nodeRed ? `${separator}Node-RED ${figure(nodeRed)}` : '');
  printTable(`steady state, gateway process (node ${gatewayFlags.join(' ') || 'without flags'}), after ${WARM_UP_SECONDS} s of warm-up, naive baseline in the same run`, [
    ['1,000 lines/s: CPU µs/reading', fieldnode.cpuMicrosPerReading.toFixed(2), `target ≤ 8; naive ${naive.cpuMicrosPerReading.toFixed(2)} (ratio ${(fieldnode.cpuMicrosPerReading / naive.cpuMicrosPerReading).toFixed(2)}×)`],
    nodeRed
      ? ['  against Node-RED', `${(fieldnode.cpuMicrosPerReading / nodeRed.cpuMicrosPerReading).toFixed(2)}×`, `target ≤ 0.15×; Node-RED ${nodeRed.cpuMicrosPerReading.toFixed(2)} µs/reading`]
      : ['  against Node-RED', 'not run', 'unavailable' in nodeRedPeer ? nodeRedPeer.unavailable : ''],
    ['  share of a core', `${fieldnode.cpuPercent.toFixed(1)} %`, `naive ${naive.cpuPercent.toFixed(1)} %${andNodeRed('; ', (run) => `${run.cpuPercent.toFixed(1)} %`)}`],
    ['  wakeups/s', fieldnode.wakeupsPerSecond.toFixed(0), `naive ${naive.wakeupsPerSecond.toFixed(0)}${andNodeRed('; ', (run) => run.wakeupsPerSecond.toFixed(0))} (context switches, all threads)`],
    ['  RSS', `${fieldnode.rssMb.toFixed(1)} MB`, `target ≤ 60; private ${fieldnode.privateMb.toFixed(1)}; peak ${fieldnode.peakRssMb.toFixed(1)}; naive ${naive.rssMb.toFixed(1)}${andNodeRed('; ', (run) => run.rssMb.toFixed(1))}`],
    ['  delivered in window', `${fieldnode.received}`, `of about ${Math.round(fieldnode.readings)} readings written (naive ${naive.received}${andNodeRed(', ', (run) => String(run.received))})`],
    ['10 readings/s: share of a core', `${pole.cpuPercent.toFixed(2)} %`, `target ≤ 0.5 % (after ${POLE_WARM_UP_SECONDS} s of warm-up)`],
    ['  wakeups/s', pole.wakeupsPerSecond.toFixed(1), 'target ≤ 20'],
    ['  RSS', `${pole.rssMb.toFixed(1)} MB`, 'target ≤ 60'],
    ['idle: share of a core', `${idle.cpuPercent.toFixed(2)} %`, ''],
    ['  wakeups/s', idle.wakeupsPerSecond.toFixed(1), ''],
    ['  RSS', `${idle.rssMb.toFixed(1)} MB`, `target ≤ 60; private ${idle.privateMb.toFixed(1)} (the rest is mapped from the node binary and libraries)`],
    ['  floor: bare Node.js', `${floors.bare.rssMb.toFixed(1)} MB`, `private ${floors.bare.privateMb.toFixed(1)}; the same flags and idle time, nothing imported`],
    ['  floor: the node\'s libraries', `${floors.libraries.rssMb.toFixed(1)} MB`, `private ${floors.libraries.privateMb.toFixed(1)}; the same, with ${NODE_LIBRARIES.length} libraries imported and no fieldnode code`],
    ['burst 100,000 lines: peak RSS', `${burstRss.peak().toFixed(1)} MB`, `target ≤ 90; ${burstReceived}/400000 readings delivered`],
  ]);

  say('latency, batching off');
  const off = await latencyRun(broker, { maxReadings: 4, maxDelayMs: 0 }, 50, seconds);
  say('latency, default batching');
  const batched = await latencyRun(broker, { maxReadings: 100, maxDelayMs: 1000 }, 50, seconds);
  const cgroup = piCgroup(20, 256);
  say('Pi-class run: 20 % of a core, 256 MB, 200 readings/s');
  const pi = cgroup ? await latencyRun(broker, { maxReadings: 100, maxDelayMs: 1000 }, 50, Math.max(30, seconds * 2), cgroup).finally(() => cgroup.remove()) : undefined;
  printTable('latency, line written → subscriber (an upper bound of the broker acknowledgement), 200 readings/s', [
    ['batching off: p50 / p99', `${off.p50.toFixed(1)} / ${off.p99.toFixed(1)} ms`, `${off.received}/${off.sent} delivered`],
    ['default batching: p50 / p99', `${batched.p50.toFixed(0)} / ${batched.p99.toFixed(0)} ms`, `${batched.received}/${batched.sent} delivered (a pack leaves at 100 readings or 1 s)`],
    ...(pi
      ? ([
          ['Pi-class (20 % core, 256 MB): p99', `${pi.p99.toFixed(0)} ms`, `target < 1000; p50 ${pi.p50.toFixed(0)} ms`],
          ['  delivered', `${pi.received}/${pi.sent}`, `target all; lost ${pi.sent - pi.received}`],
          ['  RSS early → late', `${pi.earlyRss.toFixed(1)} → ${pi.lateRss.toFixed(1)} MB`, `no growth; peak ${pi.peakRss.toFixed(1)} MB`],
          ['  CPU', `${pi.cpuPercent.toFixed(1)} % of a core`, 'quota 20 %'],
        ] as [string, string, string][])
      : [['Pi-class run', 'skipped', 'needs writable cgroup v1 cpu and memory controllers (root)'] as [string, string, string]]),
  ]);
}
