/**
 * The node's live state as the page and the metrics read it: fed by the node (readings,
 * link states, connection, acknowledgements, warnings), read through snapshots and events.
 * It exists only when the config has an `http:` section.
 */
import type { NodeConfig } from '../config/schema.js';
import type { CorrectedClock } from '../core/corrected-clock.js';
import { Listeners } from '../core/listeners.js';
import type { Reading } from '../core/reading.js';
import { SensorHistory, type HistoryPoint } from './history.js';

export interface SensorView { readonly name: string; readonly unit?: string; value?: number | string | boolean; time?: number }
export interface BoardView { readonly id: string; readonly device: string; link: 'open' | 'closed'; reason?: string; problems: Record<string, number>; readonly sensors: SensorView[] }
export interface NodeSnapshot {
  node: { id: string; site: string; version: string; boot: number | undefined; startedAt: number; now: number; clock: { corrected: boolean; source?: string } };
  broker: { url: string /* without credentials */; connected: boolean; since: number | null; lastAckAt: number | null; reconnects: number };
  boards: BoardView[];
  outbox: { packs: number; readings: number; bytes: number; oldestAgeSeconds: number | null; dropped: Record<string, { packs: number; readings: number }>; drain?: { packs: number; readings: number; readingsPerSecond: number; etaSeconds: number | null } };
  log: { time: number; level: 'warn' | 'error'; msg: string }[];
}
export interface ReadingEvent { readonly board: string; readonly name: string; readonly unit?: string; readonly value: number | string | boolean; readonly time: number }
export type { HistoryPoint } from './history.js';

/** Warnings and errors kept for the page. */
const LOG_LIMIT = 50;

/** What one run of the node offers the view: its outbox, read when a snapshot is taken. */
export interface RunSources {
  readonly boot: number;
  readonly totals: () => { packs: number; readings: number; bytes: number };
  /** Packs the disk refused, held in memory. */
  readonly held: () => { packs: number };
  /** When the oldest pack waiting was made (epoch ms), if any. */
  readonly oldestCreatedAt: () => number | undefined;
  readonly dropped: () => Record<string, { packs: number; readings: number }>;
  readonly drain: () => NodeSnapshot['outbox']['drain'];
}

export interface NodeViewOptions {
  readonly config: NodeConfig;
  readonly version: string;
  readonly clock: CorrectedClock;
  /** Problem counts of a board, as the board keeps them. */
  readonly problems: (boardId: string) => Record<string, number>;
}

/** The outbox as readiness sees it. */
export interface OutboxState { readonly open: boolean; readonly connected: boolean; readonly bytes: number; readonly maxBytes: number; readonly heldPacks: number }

export class NodeView {
  private boards: BoardView[];
  private readonly histories = new Map<string, SensorHistory>();
  private readonly readingCounts = new Map<string, number>();
  private readonly log: NodeSnapshot['log'] = [];
  private readonly readingListeners = new Listeners<[readings: ReadingEvent[]]>();
  private readonly changeListeners = new Listeners<[]>();
  private readonly ackListeners = new Listeners<[latencyMs: number]>();
  private run: RunSources | undefined;
  private lastRun: { boot: number } | undefined;
  private startedAt: number;
  private connected = false;
  private connectedBefore = false;
  private since: number | null = null;
  private lastAckAt: number | null = null;
  private reconnects = 0;
  private clockSource: string | undefined;

  constructor(private readonly options: NodeViewOptions) {
    this.startedAt = options.clock.now();
    this.boards = options.config.boards.map((board) => boardView(board));
  }

  /**
   * A reload swapped the boards: the page shows the new set. A board or sensor that stays keeps
   * its link state and latest value; a new board is closed until its link says otherwise.
   */
  reconfigure(boards: NodeConfig['boards']): void {
    this.boards = boards.map((board) => {
      const before = this.boards.find((candidate) => candidate.id === board.id);
      const view = boardView(board);
      if (!before) return view;
      const sensors = view.sensors.map((sensor) => ({ ...(before.sensors.find((old) => old.name === sensor.name) ?? {}), ...sensor }));
      return { ...view, link: before.link, ...(before.reason === undefined ? {} : { reason: before.reason }), sensors };
    });
    this.changed();
  }

  /** Called with every batch of readings as the boards produce them; returns the unsubscribe. */
  onReadings(listener: (readings: ReadingEvent[]) => void): () => void {
    return this.readingListeners.add(listener);
  }

  /** Called when anything in the snapshot changed (often: throttle before sending); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    return this.changeListeners.add(listener);
  }

  /** Called with every acknowledged pack's time from publish to acknowledgement; returns the unsubscribe. */
  onAck(listener: (latencyMs: number) => void): () => void {
    return this.ackListeners.add(listener);
  }

  /** A run began: its outbox and boot epoch are what the snapshot shows until it ends. */
  attach(run: RunSources): void {
    this.run = run;
    this.startedAt = this.options.clock.now();
    this.connected = false;
    this.connectedBefore = false;
    this.since = null;
    this.changed();
  }

  /** The run ended: its outbox is closed. */
  detach(): void {
    if (this.run) this.lastRun = { boot: this.run.boot };
    this.run = undefined;
    this.connected = false;
    this.since = this.options.clock.now();
    this.changed();
  }

  /** A board produced these readings. */
  readings(boardId: string, readings: readonly Reading[]): void {
    const board = this.boards.find((candidate) => candidate.id === boardId);
    if (!board || readings.length === 0) return;
    const events: ReadingEvent[] = [];
    for (const reading of readings) {
      let sensor = board.sensors.find((candidate) => candidate.name === reading.name);
      if (!sensor) {
        // Drivers may emit readings the config does not list (a health driver's counters).
        sensor = reading.unit === undefined ? { name: reading.name } : { name: reading.name, unit: reading.unit };
        board.sensors.push(sensor);
      }
      sensor.value = reading.value;
      sensor.time = reading.time;
      const key = `${boardId}/${reading.name}`;
      let history = this.histories.get(key);
      if (!history) this.histories.set(key, (history = new SensorHistory()));
      history.add(reading.time, reading.value);
      this.readingCounts.set(key, (this.readingCounts.get(key) ?? 0) + 1);
      events.push(reading.unit === undefined ? { board: boardId, name: reading.name, value: reading.value, time: reading.time } : { board: boardId, name: reading.name, unit: reading.unit, value: reading.value, time: reading.time });
    }
    this.readingListeners.emit(events);
    this.changed();
  }

  /** A board's link opened or closed. */
  linkChanged(boardId: string, state: 'open' | 'closed', reason?: string): void {
    const board = this.boards.find((candidate) => candidate.id === boardId);
    if (!board) return;
    board.link = state;
    if (reason === undefined || state === 'open') delete board.reason;
    else board.reason = reason;
    this.changed();
  }

  /** The broker connection came up; every connection after a run's first is a reconnect. */
  brokerConnected(): void {
    if (this.connectedBefore) this.reconnects++;
    this.connectedBefore = true;
    this.connected = true;
    this.since = this.options.clock.now();
    this.changed();
  }

  /** The broker connection went down. */
  brokerDisconnected(): void {
    if (!this.connected) return;
    this.connected = false;
    this.since = this.options.clock.now();
    this.changed();
  }

  /** The broker acknowledged a pack, `latencyMs` after it was published. */
  acknowledged(latencyMs: number): void {
    this.lastAckAt = this.options.clock.now();
    this.ackListeners.emit(latencyMs);
    this.changed();
  }

  /** A warning or error was logged (see tapLogger). */
  logged(level: 'warn' | 'error', message: string, fields: object): void {
    const source = (fields as { source?: unknown }).source;
    // The corrected clock names its source in the warning it logs when it steps the time.
    if (message.includes('wall clock corrected') && typeof source === 'string') this.clockSource = source;
    this.log.push({ time: this.options.clock.now(), level, msg: message });
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    this.changed();
  }

  /** Everything the page shows, now (copies: the caller may keep or serialise them later). */
  snapshot(): NodeSnapshot {
    const { config, clock, version } = this.options;
    const now = clock.now();
    const run = this.run;
    const totals = run?.totals() ?? { packs: 0, readings: 0, bytes: 0 };
    const oldest = run?.oldestCreatedAt();
    const drain = run?.drain();
    const corrected = clock.now() !== clock.base.now();
    return {
      node: { id: config.node.id, site: config.node.site, version, boot: run?.boot ?? this.lastRun?.boot, startedAt: this.startedAt, now, clock: corrected && this.clockSource ? { corrected, source: this.clockSource } : { corrected } },
      broker: { url: withoutCredentials(config.broker.url), connected: this.connected, since: this.since, lastAckAt: this.lastAckAt, reconnects: this.reconnects },
      boards: this.boards.map((board) => ({ ...board, problems: { ...this.options.problems(board.id) }, sensors: board.sensors.map((sensor) => ({ ...sensor })) })),
      outbox: {
        ...totals,
        oldestAgeSeconds: oldest === undefined ? null : Math.max(0, Math.round((now - oldest) / 1000)),
        dropped: run?.dropped() ?? {},
        ...(drain ? { drain } : {}),
      },
      log: this.log.map((entry) => ({ ...entry })),
    };
  }

  /** The last 15 minutes of every sensor, keyed `board/name`. */
  history(): Record<string, HistoryPoint[]> {
    const now = this.options.clock.now();
    return Object.fromEntries([...this.histories].map(([key, history]) => [key, history.pointsUntil(now)]));
  }

  /** Readings seen per sensor since the node was made, keyed `board/name` (counters for metrics). */
  readingTotals(): ReadonlyMap<string, number> {
    return this.readingCounts;
  }

  /** The outbox and the connection, for readiness. */
  outboxState(): OutboxState {
    const run = this.run;
    return { open: run !== undefined, connected: this.connected, bytes: run?.totals().bytes ?? 0, maxBytes: this.options.config.outbox.maxBytes, heldPacks: run?.held().packs ?? 0 };
  }

  private changed(): void {
    this.changeListeners.emit();
  }
}

/** The broker URL as shown: no user or password, even if a URL carrying them slipped through. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^/@]*@/i, '$1');
}

/** A board as the page shows it before any reading: closed, with its configured sensors. */
function boardView(board: NodeConfig['boards'][number]): BoardView {
  return {
    id: board.id,
    device: board.device.type,
    link: 'closed',
    problems: {},
    sensors: board.sensors.map((sensor) => (sensor.unit === undefined ? { name: sensor.name } : { name: sensor.name, unit: sensor.unit })),
  };
}
