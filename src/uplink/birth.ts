/**
 * Birth and status payloads (JSON, retained). A birth describes what a node or a board is,
 * so a consumer that joins late learns the sensors, units and drivers without asking.
 */
import type { BoardConfig, NodeConfig } from '../config/schema.js';

export interface SensorDescription {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly driver: string;
}

export interface BoardBirth {
  readonly board: string;
  readonly boot: number;
  readonly transport: string;
  /** The device path, or `simulator:<device>` for a simulated board. */
  readonly source: string;
  readonly sensors: SensorDescription[];
  readonly time: string;
}

export interface NodeBirth {
  readonly node: string;
  readonly site: string;
  readonly version: string;
  readonly boot: number;
  readonly time: string;
  readonly boards: Omit<BoardBirth, 'boot' | 'time'>[];
}

/** Counters a node publishes in its status: what waits on disk, what was dropped and why, bad input. */
export interface NodeCounters {
  readonly outbox: { packs: number; readings: number; bytes: number };
  /** Packs kept in memory while the disk refuses writes (zero when all is well). */
  readonly held: { packs: number; readings: number; bytes: number };
  readonly dropped: Record<string, { packs: number; readings: number }>;
  readonly problems: Record<string, Record<string, number>>;
}

export function boardBirth(config: NodeConfig, board: BoardConfig, boot: number, now: number): BoardBirth {
  return {
    board: board.id,
    boot,
    transport: board.transport,
    source: board.transport === 'pi' ? (board.piSimulator ? 'simulator:pi' : `files:${board.root ?? '/'}`) : board.simulator ? `simulator:${board.simulator.device}` : (board.port ?? ''),
    sensors: config.sensors.filter((sensor) => sensor.board === board.id).map((sensor) => ({ name: sensor.name, unit: sensor.unit, driver: sensor.driver.type })),
    time: new Date(now).toISOString(),
  };
}

export function nodeBirth(config: NodeConfig, version: string, boot: number, now: number): NodeBirth {
  return {
    node: config.node.id,
    site: config.node.site,
    version,
    boot,
    time: new Date(now).toISOString(),
    boards: config.boards.map((board) => {
      const { boot: _boot, time: _time, ...rest } = boardBirth(config, board, boot, now);
      return rest;
    }),
  };
}

/** The node's status: `online` with counters, or `offline` (also the will). */
export function nodeStatus(state: 'online' | 'offline', boot: number, now: number, counters?: NodeCounters): Record<string, unknown> {
  return { state, boot, time: new Date(now).toISOString(), ...(counters ?? {}) };
}

/** A board's status: online while its port is open, offline when it is gone or the node stops. */
export function boardStatus(state: 'online' | 'offline', boot: number, now: number, reason?: string): Record<string, unknown> {
  return { state, boot, time: new Date(now).toISOString(), ...(reason ? { reason } : {}) };
}
