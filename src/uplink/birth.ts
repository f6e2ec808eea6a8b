/**
 * Birth and status payloads (JSON, retained). A birth describes what a node or a board is,
 * so a consumer that joins late learns the sensors, units and drivers without asking.
 */
import type { BoardConfig, NodeConfig } from '../config/schema.js';
import type { FirmwareIdentity } from '../core/firmware.js';
import type { ClockReport } from '../core/trusted-time.js';
import { namesSent } from '../pipeline/filters/names.js';

export interface SensorDescription {
  readonly name: string;
  readonly unit?: string | undefined;
}

export interface BoardBirth {
  readonly board: string;
  readonly boot: number;
  /** The device's type: the driver that reads it. */
  readonly device: string;
  /** The port path, `simulator:<twin>`, `gpio:<chip>`, `files:<root>` or `simulator:pi`. */
  readonly source: string;
  readonly sensors: SensorDescription[];
  readonly time: string;
  /** What the board said it runs in the banner its firmware printed at its last reset; absent until it does. */
  readonly firmware?: FirmwareIdentity;
}

export interface NodeBirth {
  readonly node: string;
  readonly site: string;
  readonly version: string;
  readonly boot: number;
  readonly time: string;
  readonly boards: Omit<BoardBirth, 'boot' | 'time'>[];
  /** How the node's packs are written (`floats: compact` needs fieldnode's decoder told so; secondary units announced or converted): always said, so consumers need not guess. */
  readonly encoding: { readonly floats: 'exact' | 'compact'; readonly secondaryUnits: 'announce' | 'convert' };
}

/** Counters a node publishes in its status: what waits on disk, what was dropped and why, bad input. */
export interface NodeCounters {
  readonly outbox: { packs: number; readings: number; bytes: number };
  /** Packs kept in memory while the disk refuses writes (zero when all is well). */
  readonly held: { packs: number; readings: number; bytes: number };
  readonly dropped: Record<string, { packs: number; readings: number }>;
  readonly problems: Record<string, Record<string, number>>;
  /** While a backlog drains after an outage: packs and readings left, backlog readings a second, seconds to go (null until known). */
  readonly drain?: { readonly packs: number; readonly readings: number; readonly readingsPerSecond: number; readonly etaSeconds: number | null } | undefined;
  /** Whether the clock is trusted and from what; readings held until it is. */
  readonly clock?: ClockReport | undefined;
}

export function boardBirth(board: BoardConfig, boot: number, now: number, firmware?: FirmwareIdentity): BoardBirth {
  return {
    board: board.id,
    boot,
    device: board.device.type,
    source: sourceOf(board),
    // Under the names its readings are sent as: an aggregate's <name>_min, _mean, _max.
    sensors: board.sensors.flatMap((sensor) => namesSent(sensor).map((name) => ({ name, unit: sensor.unit }))),
    time: new Date(now).toISOString(),
    ...(firmware ? { firmware: { sketch: firmware.sketch, version: firmware.version, board: firmware.board } } : {}),
  };
}

/** Where a board's device is read from, in a word: what a technician checks first. */
function sourceOf(board: BoardConfig): string {
  if (board.port !== undefined) return board.port;
  if (board.simulator) return `simulator:${board.simulator.device}`;
  if (board.piSimulator) return 'simulator:pi';
  if (board.gpio) return `gpio:${board.gpio.chip}`;
  return `files:${board.root ?? '/'}`;
}

export function nodeBirth(config: NodeConfig, version: string, boot: number, now: number): NodeBirth {
  return {
    node: config.node.id,
    site: config.node.site,
    version,
    boot,
    time: new Date(now).toISOString(),
    boards: config.boards.map((board) => {
      const { boot: _boot, time: _time, ...rest } = boardBirth(board, boot, now);
      return rest;
    }),
    encoding: { floats: config.encoding.floats, secondaryUnits: config.encoding.secondaryUnits },
  };
}

/**
 * What node births said about their packs' float encoding, per node, so that a consumer reads
 * a node's compact packs right without being told. A node that has not said (yet, or an older
 * node) gets the fallback: exact unless the consumer was told otherwise.
 */
export class FloatEncodingsFromBirths {
  private readonly said = new Map<string, 'exact' | 'compact'>();

  constructor(private readonly fallback: 'exact' | 'compact' = 'exact') {}

  /** Remembers what a node birth says; other messages are ignored. */
  learn(site: string, node: string, birth: Record<string, unknown>): void {
    const encoding = birth['encoding'];
    const floats = encoding !== null && typeof encoding === 'object' ? (encoding as Record<string, unknown>)['floats'] : undefined;
    if (floats === 'exact' || floats === 'compact') this.said.set(`${site}\u0000${node}`, floats);
  }

  floatsOf(site: string, node: string): 'exact' | 'compact' {
    return this.said.get(`${site}\u0000${node}`) ?? this.fallback;
  }
}

/** The node's status: `online` with counters, or `offline` (also the will). */
export function nodeStatus(state: 'online' | 'offline', boot: number, now: number, counters?: NodeCounters): Record<string, unknown> {
  return { state, boot, time: new Date(now).toISOString(), ...(counters ?? {}) };
}

/** A board's status: online while its port is open, offline when it is gone or the node stops. */
export function boardStatus(state: 'online' | 'offline', boot: number, now: number, reason?: string): Record<string, unknown> {
  return { state, boot, time: new Date(now).toISOString(), ...(reason ? { reason } : {}) };
}
