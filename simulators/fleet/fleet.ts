/**
 * `fieldnode fleet`: N complete simulated nodes against one broker, and a consumer (the
 * consumer helper, which drops duplicates by node, boot and sequence) that checks every pack
 * the broker acknowledged arrived, once. The nodes run in this thread, or spread over worker
 * threads; the consumer and the counts stay here. Optionally the fleet's own broker goes down
 * mid-run, and the connection rate afterwards shows how the nodes come back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldnodeConsumer, FieldnodeError, type FleetHosting, type FleetOptions, type FleetProgress, type FleetReport } from '../../src/index.js';
import { createSimulation } from '../simulation.js';
import { ConnectionCounter } from './connection-counter.js';
import { fleetBroker, type FleetBroker } from './fleet-broker.js';
import { addUp, emptySample, emptyTotals, LocalNodeGroup, type GroupSample, type NodeGroup, type NodeGroupSpec } from './node-group.js';
import { sharedNtpProbe } from './shared-ntp-probe.js';
import { WorkerNodeGroup } from './worker-group.js';
import { SAMPLE_EVERY_MS } from './worker-messages.js';

const PROGRESS_EVERY_MS = 5000;
/** How long the nodes have to send their backlogs after the run, and the consumer to receive them. */
const SETTLE_WITHIN_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** The fleet's nodes dealt out to `workers` shares, round robin; one share runs in this thread. */
function nodeGroups(options: FleetOptions, common: Omit<NodeGroupSpec, 'indexes'>): NodeGroup[] {
  const workers = options.workers ?? 1;
  const shares = Array.from({ length: workers }, (_, worker) => Array.from({ length: options.nodes }, (_, index) => index + 1).filter((index) => index % workers === worker % workers));
  if (workers === 1) return [new LocalNodeGroup({ ...common, indexes: shares[0]! }, { catalog: createSimulation().catalog, ntpProbe: sharedNtpProbe() })];
  return shares.map((indexes, worker) => new WorkerNodeGroup(`fleet worker ${worker + 1}`, { ...common, indexes }));
}

/** Runs a fleet and reports what it sent and what arrived. */
export async function runFleet(options: FleetOptions, say: (line: string) => void, progress: (line: FleetProgress) => void): Promise<FleetReport> {
  const broker = await fleetBroker(options.broker);
  const directory = mkdtempSync(join(options.dataDir ?? tmpdir(), 'fieldnode-fleet-'));
  let groups: NodeGroup[] = [];
  const timers: NodeJS.Timeout[] = [];
  let consumer: FieldnodeConsumer | undefined;
  try {
    let readingsReceived = 0;
    // A kept session: what the broker takes while the consumer is cut off by a restart waits for it.
    consumer = await FieldnodeConsumer.connect(broker.url, { clientId: `fieldnode-fleet-consumer-${process.pid}`, sessionExpirySeconds: 3600, onPack: (pack) => (readingsReceived += pack.records.length) }).catch((error: unknown) => {
      if (error instanceof FieldnodeError) throw error;
      const { code, message } = error as Error & { code?: string | number };
      throw new FieldnodeError(`the fleet's consumer cannot connect to the broker at ${broker.url} (${code ?? message}): is a broker listening there?`, 'BROKER', { cause: error });
    });
    const workers = options.workers ?? 1;
    say(`${options.nodes} nodes × ${options.sensors} sensors at ${options.rate} Hz against ${broker.url}, for ${options.durationMs / 1000} s${workers > 1 ? `, over ${workers} worker threads` : ''}`);
    // CPU time and RSS are the whole process's: every worker thread's included.
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    const counter = new ConnectionCounter(startedAt);
    let peakRssBytes = process.memoryUsage().rss;
    let now: GroupSample = emptySample;
    const sample = () => {
      now = addUp(groups.map((group) => group.sample()), emptySample);
      counter.add(now.connectionsMade);
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
    };
    groups = nodeGroups(options, { sensors: options.sensors, rate: options.rate, brokerUrl: broker.url, directory });
    timers.push(setInterval(sample, SAMPLE_EVERY_MS));
    timers.push(
      setInterval(() => progress({ second: Math.round((Date.now() - startedAt) / 1000), connected: now.connected, readingsSent: now.readingsSent, readingsReceived, backlogReadings: now.backlogReadings }), PROGRESS_EVERY_MS),
    );
    await Promise.all(groups.map((group) => group.start()));
    say(`${options.nodes} nodes started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    // The run's duration and the restart count from when every node is up, however long that took.
    const runningSince = Date.now();
    const receivedWhenAllUp = readingsReceived;
    const restarted = restartLater(broker, options, runningSince, startedAt, say);
    await sleep(runningSince + options.durationMs - Date.now());
    const steadyReadingsPerSecond = (readingsReceived - receivedWhenAllUp) / ((Date.now() - runningSince) / 1000);
    const restartedAtSecond = await restarted;
    // A worker's sample may be up to one interval old: the backlog counts as empty only when it stays so.
    sample();
    if (!(await until(() => now.backlogPacks === 0, SETTLE_WITHIN_MS))) say('some nodes still had a backlog when the fleet stopped');
    const seconds = (Date.now() - startedAt) / 1000;
    timers.forEach((timer) => clearInterval(timer));
    const totals = addUp(await Promise.all(groups.map((group) => group.stop())), emptyTotals);
    sample();
    const ownConsumer = consumer;
    await until(() => ownConsumer.stats.packs >= totals.packsSent, SETTLE_WITHIN_MS);
    const gaps = consumer.missing().reduce((total, node) => total + node.gaps.reduce((count, gap) => count + gap.to - gap.from + 1, 0), 0);
    const cpu = process.cpuUsage(cpuBefore);
    return {
      nodes: options.nodes,
      sensors: options.sensors,
      workers,
      seconds,
      readingsProduced: totals.readingsProduced,
      readingsSent: totals.readingsSent,
      readingsLeft: totals.readingsProduced - totals.readingsSent - totals.readingsDropped,
      readingsDropped: totals.readingsDropped,
      readingsReceived,
      steadyReadingsPerSecond,
      packsSent: totals.packsSent,
      packsReceived: consumer.stats.packs,
      duplicatesDropped: consumer.stats.duplicates,
      // Acknowledged yet never delivered; or a hole in a node's sequence that no pack still at the nodes explains.
      lost: Math.max(totals.packsSent - consumer.stats.packs, gaps - totals.packsLeft, 0) + consumer.stats.lost,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssBytes,
      connectionsPerSecond: counter.connectionsPerSecond,
      restartedAtSecond,
    };
  } finally {
    timers.forEach((timer) => clearInterval(timer));
    await Promise.all(groups.map((group) => group.stop().catch(() => undefined)));
    await Promise.all(groups.map((group) => (group instanceof WorkerNodeGroup ? group.terminate() : undefined)));
    await consumer?.close();
    await broker.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Restarts the fleet's broker at its time, if asked; resolves with the second it came back. */
async function restartLater(broker: FleetBroker, options: FleetOptions, runningSince: number, startedAt: number, say: (line: string) => void): Promise<number | undefined> {
  if (options.restartBrokerAtMs === undefined) return undefined;
  await sleep(runningSince + options.restartBrokerAtMs - Date.now());
  say(`broker going down for ${options.brokerDownMs / 1000} s`);
  await broker.restart(options.brokerDownMs);
  const second = Math.floor((Date.now() - startedAt) / 1000);
  say('broker back');
  return second;
}

/** The fleet as the command line's composition root hands it over. */
export const fleetHosting: FleetHosting = { run: runFleet };
