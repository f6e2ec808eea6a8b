/**
 * A share of a fleet's nodes, run in one thread: the main thread's (one worker) or a worker
 * thread's. The fleet sees each share only through plain counts (what a worker can post), so
 * its consumer and report do not care in which thread the nodes run.
 */
import type { FieldNode } from '../../src/index.js';
import { fleetNode, type FleetShared, type FleetNodeSpec } from './fleet-node.js';

/** Nodes started or stopped at once: a few SQLite files and connections at a time. */
const START_GROUP = 25;

/** What a share of the fleet runs: its nodes' indexes and what every node has in common. */
export interface NodeGroupSpec extends Omit<FleetNodeSpec, 'index'> {
  readonly indexes: readonly number[];
}

/** The share's state now; `connectionsMade` counts those since the previous sample. */
export interface GroupSample {
  readonly connectionsMade: number;
  readonly connected: number;
  readonly readingsSent: number;
  readonly backlogReadings: number;
  readonly backlogPacks: number;
}

/** The share's counts once its nodes stopped. */
export interface GroupTotals {
  readonly readingsProduced: number;
  readonly readingsSent: number;
  readonly readingsDropped: number;
  readonly packsSent: number;
  /** Submitted by the nodes and not acknowledged: still in their outboxes. */
  readonly packsLeft: number;
}

export interface NodeGroup {
  /** Starts every node of the share; rejects with the first that cannot start. */
  start(): Promise<void>;
  sample(): GroupSample;
  /** Stops every node started so far, and counts. */
  stop(): Promise<GroupTotals>;
}

export const emptySample: GroupSample = { connectionsMade: 0, connected: 0, readingsSent: 0, backlogReadings: 0, backlogPacks: 0 };
export const emptyTotals: GroupTotals = { readingsProduced: 0, readingsSent: 0, readingsDropped: 0, packsSent: 0, packsLeft: 0 };

/** Adds up samples or totals field by field. */
export function addUp<T extends GroupSample | GroupTotals>(items: readonly T[], empty: T): T {
  const sum: Record<string, number> = { ...empty };
  for (const item of items) for (const key of Object.keys(sum)) sum[key]! += (item as unknown as Record<string, number>)[key] ?? 0;
  return sum as unknown as T;
}

async function inGroups<T>(items: readonly T[], action: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += START_GROUP) await Promise.all(items.slice(start, start + START_GROUP).map(action));
}

/** A share of the fleet in this thread. */
export class LocalNodeGroup implements NodeGroup {
  private readonly nodes: FieldNode[] = [];
  /** Each node's connection generation at the previous sample. */
  private readonly generations = new Map<FieldNode, number>();

  constructor(
    private readonly spec: NodeGroupSpec,
    private readonly shared: FleetShared,
  ) {}

  async start(): Promise<void> {
    const { indexes, ...common } = this.spec;
    await inGroups(indexes, async (index) => {
      const node = fleetNode({ ...common, index }, this.shared);
      this.nodes.push(node);
      await node.start();
    });
  }

  sample(): GroupSample {
    let connectionsMade = 0;
    let connected = 0;
    let readingsSent = 0;
    let backlogReadings = 0;
    let backlogPacks = 0;
    for (const node of this.nodes) {
      const generation = node.uplink?.connectionGeneration ?? 0;
      connectionsMade += Math.max(0, generation - (this.generations.get(node) ?? 0));
      this.generations.set(node, generation);
      if (node.uplink?.isConnected) connected++;
      readingsSent += node.stats().forwarder.readingsAcked;
      const backlog = node.forwarder?.backlogTotals();
      backlogReadings += backlog?.readings ?? 0;
      backlogPacks += backlog?.packs ?? 0;
    }
    return { connectionsMade, connected, readingsSent, backlogReadings, backlogPacks };
  }

  private stopped: Promise<GroupTotals> | undefined;

  /** Stops once; later calls get the same counts. */
  stop(): Promise<GroupTotals> {
    return (this.stopped ??= this.stopNodes());
  }

  private async stopNodes(): Promise<GroupTotals> {
    await inGroups(this.nodes, (node) => node.stop());
    return addUp(
      this.nodes.map((node) => {
        const stats = node.stats().forwarder;
        return {
          readingsProduced: stats.readingsSubmitted,
          readingsSent: stats.readingsAcked,
          readingsDropped: Object.values(stats.dropped).reduce((total, drop) => total + drop.readings, 0),
          packsSent: stats.packsAcked,
          packsLeft: stats.packsSubmitted - stats.packsAcked,
        };
      }),
      emptyTotals,
    );
  }
}
