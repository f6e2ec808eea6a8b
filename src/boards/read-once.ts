/**
 * Reads a config's boards once, without a node: each board's link and driver run as they do
 * in a node (BoardRuntime), but their readings go to a report instead of the outbox, so a
 * technician can see every sensor answer before anything is sent (Telegraf's `--test`). No
 * data directory, lock or broker connection is touched.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { BoardConfig } from '../config/board-schema.js';
import type { NodeConfig } from '../config/schema.js';
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { CorrectedClock } from '../core/corrected-clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Reading } from '../core/reading.js';
import { BoardRuntime } from './board-runtime.js';

/** What each board's sensors gave, and what went wrong on the way. */
export interface ReadOnceReport {
  readonly boards: readonly {
    readonly id: string;
    readonly device: string;
    readonly sensors: readonly { readonly name: string; readonly unit?: string; readonly reading?: { readonly value: number | string | boolean; readonly time: number }; readonly readings?: number }[];
    readonly problems: Readonly<Record<string, number>>;
    readonly error?: string;
  }[];
}

export interface ReadOnceOptions {
  readonly catalog: Catalog;
  /** How long each board may take to give every sensor a reading (default: per board, see `defaultReadTimeoutMs`). */
  readonly timeoutMs?: number;
  /** Read for this long instead of stopping at the first reading of every sensor. */
  readonly durationMs?: number;
  readonly logger?: Logger;
  readonly clock?: Clock;
}

/** Every reading as it arrives, for a caller that prints or summarises them (`--duration`). */
export type ReadingListener = (boardId: string, reading: Reading) => void;

/** No device is waited for less than this: a port opening and a first frame take a moment. */
export const READ_TIMEOUT_FLOOR_MS = 5000;
/** On top of a device's own interval: the port opening, the first request settling. */
const READ_TIMEOUT_SLACK_MS = 1000;

/**
 * How long a board is given by default: one full cycle of its driver (`intervalMs` plus
 * `timeoutMs` where the device has them) or of its twin, plus a second's slack, and never
 * less than 5 s.
 */
export function defaultReadTimeoutMs(board: BoardConfig): number {
  const option = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const driverCycle = option(board.device['intervalMs']) + option(board.device['timeoutMs']);
  const twinCycle = option(board.simulator?.['intervalMs']);
  return Math.max(READ_TIMEOUT_FLOOR_MS, Math.max(driverCycle, twinCycle) + READ_TIMEOUT_SLACK_MS);
}

/** Reads every sensor of `config` until each has given one reading or its board's time is up (or for `durationMs`). */
export async function readOnce(config: NodeConfig, options: ReadOnceOptions): Promise<ReadOnceReport> {
  return readBoards(config, options);
}

/** `readOnce`, telling `onReading` of every reading as it arrives. */
export async function readBoards(config: NodeConfig, options: ReadOnceOptions & { readonly onReading?: ReadingListener }): Promise<ReadOnceReport> {
  const logger = options.logger ?? silentLogger;
  const clock = new CorrectedClock(options.clock ?? systemClock, logger.child({ component: 'clock' }));
  const watches = config.boards.map((board, index) => new BoardWatch(board, index, { ...options, logger, clock }));
  const finished = Promise.all(watches.map((watch) => watch.finished));
  await Promise.all(watches.map((watch) => watch.start()));
  await finished;
  await Promise.all(watches.map((watch) => watch.stop()));
  return { boards: watches.map((watch) => watch.report()) };
}

interface SensorTally {
  readonly name: string;
  readonly unit?: string | undefined;
  last?: { value: number | string | boolean; time: number };
  count: number;
}

/** One board being read: its runtime, what each sensor gave, and when to stop waiting for it. */
class BoardWatch {
  readonly finished: Promise<void>;
  private finish!: () => void;
  private readonly sensors = new Map<string, SensorTally>();
  private runtime: BoardRuntime | undefined;
  private error: string | undefined;
  private opened = false;
  private stopping = false;
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly board: BoardConfig,
    index: number,
    private readonly options: ReadOnceOptions & { readonly onReading?: ReadingListener; readonly logger: Logger; readonly clock: CorrectedClock },
  ) {
    this.finished = new Promise((resolve) => (this.finish = resolve));
    for (const sensor of board.sensors) this.sensors.set(sensor.name, { name: sensor.name, unit: sensor.unit, count: 0 });
    try {
      this.runtime = new BoardRuntime({
        // A single read shows what the sensors give: filters that wait (windows, throttle,
        // aggregate) would hold back the very reading asked for.
        board: { ...board, sensors: board.sensors.map(({ filters: _filters, ...sensor }) => sensor) },
        index,
        catalog: options.catalog,
        clock: options.clock,
        logger: options.logger,
        // One reading a batch: each reaches the report as soon as the driver emits it.
        batching: { maxReadings: 1, maxDelayMs: 0 },
        onBatch: (readings) => readings.forEach((reading) => this.take(reading)),
      });
    } catch (error) {
      this.fail(error);
    }
  }

  /** Opens the board's link; a link that cannot open is this board's error, never the others'. */
  async start(): Promise<void> {
    const runtime = this.runtime;
    if (!runtime) return;
    const { clock, durationMs, timeoutMs } = this.options;
    this.timer = clock.setTimeout(() => this.finish(), durationMs ?? timeoutMs ?? defaultReadTimeoutMs(this.board));
    this.unsubscribe = runtime.onStatus((state, reason) => {
      if (this.stopping) return;
      if (state === 'open') {
        this.opened = true;
        this.error = undefined;
        return;
      }
      this.error = reason ?? 'the link closed';
      // A port that never opened (missing, denied) will not answer in a single read: said at once.
      if (!this.opened && durationMs === undefined) this.finish();
    });
    try {
      await runtime.start();
    } catch (error) {
      this.fail(error);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.options.clock.clearTimeout(this.timer);
    this.unsubscribe?.();
    await this.runtime?.stop().catch((error: unknown) => this.options.logger.warn({ board: this.board.id }, `could not close the board: ${(error as Error).message}`));
  }

  report(): ReadOnceReport['boards'][number] {
    return {
      id: this.board.id,
      device: this.board.device.type,
      sensors: [...this.sensors.values()].map(({ name, unit, last, count }) => ({
        name,
        ...(unit !== undefined ? { unit } : {}),
        ...(last ? { reading: last } : {}),
        ...(this.options.durationMs !== undefined ? { readings: count } : {}),
      })),
      problems: this.runtime?.problems.snapshot() ?? {},
      ...(this.error !== undefined ? { error: this.error } : {}),
    };
  }

  private take(reading: Reading): void {
    const tally = this.sensors.get(reading.name);
    if (!tally) return;
    tally.last = { value: reading.value, time: reading.time };
    tally.count++;
    this.options.onReading?.(this.board.id, reading);
    if (this.options.durationMs === undefined && [...this.sensors.values()].every((sensor) => sensor.count > 0)) this.finish();
  }

  private fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.finish();
  }
}
