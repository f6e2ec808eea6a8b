/**
 * `GET /metrics`: the node in Prometheus text, through prom-client. Every value is read when
 * Prometheus scrapes (collect callbacks over the view's own counters), so a node nobody
 * scrapes pays nothing; only the acknowledgement latencies are observed as they happen.
 *
 * No label from untrusted input without a bound on cardinality: board ids and sensor names
 * come from the config, drop causes are ours, but problem kinds include codes a device
 * sends (`exception-…`), so each board reports at most MAX_KINDS_PER_BOARD kinds by name and
 * the rest together as `kind="other"`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Handler } from './routes.js';
import type { NodeSnapshot, NodeView } from './view.js';

/** Problem kinds named per board; beyond them, `other`. */
export const MAX_KINDS_PER_BOARD = 32;

/** Publish to acknowledgement over a cellular link: from a LAN's 10 ms to a struggling modem's 30 s. */
const ACK_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The metrics of one node: its own registry, so two nodes in one process do not clash. */
export interface NodeMetrics {
  readonly registry: Registry;
  /** The node's metrics, then the process's, as one Prometheus text. */
  text(): Promise<string>;
}

/**
 * Process metrics (CPU, memory, event loop lag, GC) belong to the process, not to a node:
 * prom-client's collector enables an event-loop-delay monitor and a GC observer it never
 * stops, so it runs once per process, into a registry every node's scrape appends.
 */
let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'fieldnode_' });
  }
  return processRegistry;
}

/** One registry per node, kept across its restarts so counters and the histogram carry on. */
const byView = new WeakMap<NodeView, NodeMetrics>();

/** The node's metrics, made on first use. */
export function nodeMetrics(view: NodeView): NodeMetrics {
  let metrics = byView.get(view);
  if (!metrics) byView.set(view, (metrics = createNodeMetrics(view)));
  return metrics;
}

/** The `/metrics` handler. */
export function metricsRoute(view: NodeView): Handler {
  const metrics = nodeMetrics(view);
  return (request, response) => {
    metrics.text().then(
      (text) => {
        response.writeHead(200, { 'Content-Type': metrics.registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        response.end(`metrics failed: ${(error as Error).message}\n`);
      },
    );
  };
}

/** Builds the registry of one node over its view. */
export function createNodeMetrics(view: NodeView): NodeMetrics {
  const registry = new Registry();
  const registers = [registry];
  // One snapshot per scrape, taken before the collect callbacks read it.
  let snapshot: NodeSnapshot = view.snapshot();
  const kinds = new KindBound(MAX_KINDS_PER_BOARD);
  const droppedPacks = new RunTotals();
  const droppedReadings = new RunTotals();

  new Gauge({
    name: 'fieldnode_info',
    help: 'The node: its id, site and software version (always 1).',
    labelNames: ['node', 'site', 'version'],
    registers,
    collect() {
      this.reset();
      this.set({ node: snapshot.node.id, site: snapshot.node.site, version: snapshot.node.version }, 1);
    },
  });
  new Counter({
    name: 'fieldnode_readings_total',
    help: 'Readings the sensors produced, per board and sensor.',
    labelNames: ['board', 'sensor'],
    registers,
    collect() {
      this.reset();
      for (const [key, count] of view.readingTotals()) {
        const slash = key.indexOf('/');
        this.inc({ board: key.slice(0, slash), sensor: key.slice(slash + 1) }, count);
      }
    },
  });
  new Counter({
    name: 'fieldnode_problems_total',
    help: `Bad input and device faults counted per board and kind (at most ${MAX_KINDS_PER_BOARD} kinds per board, the rest as "other").`,
    labelNames: ['board', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const board of snapshot.boards) {
        for (const [kind, count] of Object.entries(kinds.fold(board.id, board.problems))) this.inc({ board: board.id, kind }, count);
      }
    },
  });
  const outboxGauge = (name: string, help: string, value: (outbox: NodeSnapshot['outbox']) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value(snapshot.outbox));
      },
    });
  outboxGauge('fieldnode_outbox_packs', 'Packs waiting in the outbox for the broker.', (outbox) => outbox.packs);
  outboxGauge('fieldnode_outbox_readings', 'Readings waiting in the outbox for the broker.', (outbox) => outbox.readings);
  outboxGauge('fieldnode_outbox_bytes', 'Bytes of the packs waiting in the outbox.', (outbox) => outbox.bytes);
  outboxGauge('fieldnode_outbox_oldest_age_seconds', 'Age of the oldest pack waiting in the outbox (0 when empty).', (outbox) => outbox.oldestAgeSeconds ?? 0);
  const droppedCounter = (name: string, help: string, totals: RunTotals, field: 'packs' | 'readings') =>
    new Counter({
      name,
      help,
      labelNames: ['cause'],
      registers,
      collect() {
        this.reset();
        const current = Object.fromEntries(Object.entries(snapshot.outbox.dropped).map(([cause, dropped]) => [cause, dropped[field]]));
        for (const [cause, count] of Object.entries(totals.read(snapshot.node.boot, current))) this.inc({ cause }, count);
      },
    });
  droppedCounter('fieldnode_dropped_readings_total', 'Readings dropped before reaching the broker, by cause (full, disk-full, expired, denied, refused).', droppedReadings, 'readings');
  droppedCounter('fieldnode_dropped_packs_total', 'Packs dropped before reaching the broker, by cause.', droppedPacks, 'packs');
  new Gauge({
    name: 'fieldnode_broker_connected',
    help: 'Whether the node is connected to its MQTT broker (1) or not (0).',
    registers,
    collect() {
      this.set(snapshot.broker.connected ? 1 : 0);
    },
  });
  new Counter({
    name: 'fieldnode_broker_reconnects_total',
    help: 'Connections to the broker after the first of each run.',
    registers,
    collect() {
      this.reset();
      this.inc(snapshot.broker.reconnects);
    },
  });
  const ackSeconds = new Histogram({
    name: 'fieldnode_publish_ack_seconds',
    help: 'Time from publishing a pack to the broker acknowledging it.',
    buckets: ACK_BUCKETS_SECONDS,
    registers,
  });
  // The view hears every acknowledgement of every run, the backlog's at start included; the histogram lives as long as the node.
  view.onAck((latencyMs) => ackSeconds.observe(latencyMs / 1000));

  return {
    registry,
    async text() {
      snapshot = view.snapshot();
      return `${await registry.metrics()}\n${await processMetrics().metrics()}`;
    },
  };
}

/** Names at most `limit` problem kinds per board, the first seen; the others are summed as `other`. */
export class KindBound {
  private readonly named = new Map<string, Set<string>>();

  constructor(private readonly limit: number) {}

  /** The board's counts with kinds beyond the bound folded into `other`. */
  fold(board: string, counts: Readonly<Record<string, number>>): Record<string, number> {
    let named = this.named.get(board);
    if (!named) this.named.set(board, (named = new Set()));
    const folded: Record<string, number> = {};
    for (const [kind, count] of Object.entries(counts)) {
      if (!named.has(kind) && named.size < this.limit && kind !== 'other') named.add(kind);
      const label = named.has(kind) ? kind : 'other';
      folded[label] = (folded[label] ?? 0) + count;
    }
    return folded;
  }
}

/**
 * Counters a run keeps from zero (the forwarder's drops), made monotonic across the node's
 * runs: when the boot epoch changes, the last run's totals are carried; while stopped, kept.
 */
class RunTotals {
  private carried: Record<string, number> = {};
  private last: Record<string, number> = {};
  private boot: number | undefined;

  read(boot: number | undefined, current: Readonly<Record<string, number>>): Record<string, number> {
    if (boot !== this.boot) {
      for (const [key, count] of Object.entries(this.last)) this.carried[key] = (this.carried[key] ?? 0) + count;
      this.last = {};
      this.boot = boot;
    }
    for (const [key, count] of Object.entries(current)) this.last[key] = count;
    const totals = { ...this.carried };
    for (const [key, count] of Object.entries(this.last)) totals[key] = (totals[key] ?? 0) + count;
    return totals;
  }
}
