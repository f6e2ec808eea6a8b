/**
 * The node's boards as one replaceable set. A config reload swaps the whole set: the old
 * boards are stopped first (each flushes its batcher into the forwarder, which keeps the
 * order of everything submitted), then the new ones are built and started. A new set that
 * does not come up is stopped and the old one started again, so a bad reload leaves the
 * node as it was. Listeners of board states follow whichever set is current.
 */
import type { Clock } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { Listeners } from '../core/listeners.js';
import type { BoardConfig } from '../config/board-schema.js';
import type { NodeConfig } from '../config/schema.js';
import type { Reading } from '../core/reading.js';
import type { LinkState } from '../transports/link.js';
import type { FirmwareIdentity } from '../core/firmware.js';
import type { BoardRuntime } from './board-runtime.js';

/** Builds one board of a config; may throw (a driver the catalog does not have). */
export type BoardFactory = (board: BoardConfig, index: number, config: NodeConfig) => BoardRuntime;

export interface BoardSetOptions {
  readonly factory: BoardFactory;
  readonly clock: Clock;
  /**
   * How long every new board of a reload has to open. A serial port that is missing does not
   * fail its start (it keeps retrying, for hotplug); a reload must not leave it that way.
   */
  readonly openWithinMs?: number;
}

const DEFAULT_OPEN_WITHIN_MS = 5000;

export class BoardSet implements Lifecycle {
  /** The current boards by id, in config order; the same map object across swaps. */
  readonly boards = new Map<string, BoardRuntime>();
  private readonly statusListeners = new Listeners<[string, LinkState, string | undefined]>();
  private readonly readingListeners = new Listeners<[string, Reading]>();
  private readonly firmwareListeners = new Listeners<[string, FirmwareIdentity]>();
  private readonly states = new Map<string, { state: LinkState; reason?: string | undefined }>();
  private forwarding: (() => void)[] = [];
  private running = false;

  constructor(
    private readonly options: BoardSetOptions,
    config: NodeConfig,
  ) {
    this.install(build(options.factory, config));
  }

  /** Open and closed states of whichever boards are current; returns the unsubscribe. */
  onStatus(listener: (boardId: string, state: LinkState, reason?: string) => void): () => void {
    return this.statusListeners.add(listener);
  }

  /** The firmware banners of whichever boards are current, with the board's id; returns the unsubscribe. */
  onFirmware(listener: (boardId: string, firmware: FirmwareIdentity) => void): () => void {
    return this.firmwareListeners.add(listener);
  }

  /** Every reading of whichever boards are current, with its board's id; returns the unsubscribe. */
  onReading(listener: (boardId: string, reading: Reading) => void): () => void {
    return this.readingListeners.add(listener);
  }

  /** Asks the current board `boardId` to read now; false when it has no such board or its driver cannot. */
  readNow(boardId: string): boolean {
    return this.boards.get(boardId)?.readNow() ?? false;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.attach();
    try {
      await startAll([...this.boards.values()]);
    } catch (error) {
      this.detach();
      throw error;
    }
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    try {
      await stopAll([...this.boards.values()]);
    } finally {
      // After the boards closed, so their closed states still reached the listeners.
      this.detach();
    }
  }

  /**
   * Replaces the boards with those of `config`. Resolves once the new boards are open; throws
   * the reason when they are not, after the old boards were started again.
   */
  async replace(config: NodeConfig): Promise<void> {
    // Built before anything stops: a board that cannot even be built changes nothing.
    const next = build(this.options.factory, config);
    const previous = [...this.boards.values()];
    if (!this.running) {
      this.install(next);
      return;
    }
    // A board that fails to stop is closed as far as it goes; the swap goes on.
    await stopAll(previous).catch(() => undefined);
    this.detach();
    this.install(next);
    this.attach();
    try {
      await startAll([...next.values()]);
      await this.allOpen([...next.keys()], this.options.openWithinMs ?? DEFAULT_OPEN_WITHIN_MS);
    } catch (error) {
      await stopAll([...next.values()]).catch(() => undefined);
      this.detach();
      this.install(new Map(previous.map((board) => [board.id, board])));
      this.attach();
      await startAll(previous);
      throw error;
    }
  }

  private install(boards: Map<string, BoardRuntime>): void {
    this.boards.clear();
    for (const [id, board] of boards) this.boards.set(id, board);
  }

  /** Follows the current boards' states and readings: only while they run, so a stopped board has no listener. */
  private attach(): void {
    this.states.clear();
    this.forwarding = [...this.boards].flatMap(([id, board]) => [
      board.onStatus((state, reason) => {
        this.states.set(id, { state, reason });
        this.statusListeners.emit(id, state, reason);
      }),
      board.onReading((reading) => this.readingListeners.emit(id, reading)),
      board.onFirmware((firmware) => this.firmwareListeners.emit(id, firmware)),
    ]);
  }

  private detach(): void {
    for (const stopForwarding of this.forwarding) stopForwarding();
    this.forwarding = [];
  }

  /** Waits until every named board reported open; throws with each one's last reason otherwise. */
  private async allOpen(ids: readonly string[], withinMs: number): Promise<void> {
    const closed = () => ids.filter((id) => this.states.get(id)?.state !== 'open');
    if (closed().length === 0) return;
    await new Promise<void>((resolve) => {
      const unsubscribe = this.statusListeners.add(() => {
        if (closed().length > 0) return;
        finish();
      });
      const timer = this.options.clock.setTimeout(() => finish(), withinMs);
      const finish = () => {
        unsubscribe();
        this.options.clock.clearTimeout(timer);
        resolve();
      };
    });
    const stillClosed = closed();
    if (stillClosed.length > 0) {
      throw new Error(stillClosed.map((id) => `board ${id} did not open within ${withinMs} ms${this.states.get(id)?.reason ? ` (${this.states.get(id)!.reason})` : ''}`).join('; '));
    }
  }
}

function build(factory: BoardFactory, config: NodeConfig): Map<string, BoardRuntime> {
  return new Map(config.boards.map((board, index) => [board.id, factory(board, index, config)]));
}

/** Starts boards in order; a failure stops the ones already started and is thrown. */
async function startAll(boards: readonly BoardRuntime[]): Promise<void> {
  const started: BoardRuntime[] = [];
  for (const board of boards) {
    try {
      await board.start();
      started.push(board);
    } catch (error) {
      await stopAll(started);
      throw error;
    }
  }
}

/** Stops boards in reverse order; every one is stopped even when one fails, and the first failure is thrown. */
async function stopAll(boards: readonly BoardRuntime[]): Promise<void> {
  let failure: unknown;
  for (const board of [...boards].reverse()) {
    try {
      await board.stop();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}
