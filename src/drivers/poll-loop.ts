/**
 * Runs an asynchronous read at a steady cadence on the injected clock. A read never overlaps
 * the previous one: a DS18B20 read blocks for its 750 ms conversion, and piling reads up would
 * only tie up libuv's four file threads.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { ProblemCounter } from '../core/problems.js';
import type { Reading } from '../core/reading.js';

/** A running poll, as drivers and tests drive it. */
export interface Poller {
  /** Starts polling, first at once; safe to call when running. */
  start(): void;
  /** Stops polling; a read in flight finishes but its results are dropped. Safe to call twice. */
  stop(): void;
  /** Resolves when the read in flight, if any, has finished (tests on a virtual clock await it). */
  settled(): Promise<void>;
  /** Reads at once instead of at the next turn; false when not running. */
  readNow?(): boolean;
}

/**
 * Calls `task` every `intervalMs` of monotonic time. `task(isCurrent)` gets a check that turns
 * false once the loop is stopped or restarted, so a slow read cannot emit after a stop.
 * Slots missed while a read overran are skipped, not caught up.
 */
export class PollLoop implements Poller {
  private timer: TimerHandle | undefined;
  private generation = 0;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private nextDue = 0;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly task: (isCurrent: () => boolean) => Promise<void>,
    /** Told about a task that threw; tasks are meant to count their own problems instead. */
    private readonly onUnexpected: (error: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const generation = ++this.generation;
    this.nextDue = this.clock.monotonic();
    this.timer = this.clock.setTimeout(() => this.run(generation), 0);
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  settled(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  /**
   * Reads at once; the cadence then starts again from now. A read already in flight is not
   * doubled (its results are the ones asked for), so asking often never overlaps reads.
   */
  readNow(): boolean {
    if (!this.running) return false;
    if (this.inFlight || this.timer === undefined) return true;
    this.clock.clearTimeout(this.timer);
    this.nextDue = this.clock.monotonic();
    this.run(this.generation);
    return true;
  }

  private run(generation: number): void {
    this.timer = undefined;
    const isCurrent = () => this.running && this.generation === generation;
    if (!isCurrent()) return;
    // The read starts once the current turn is done: whatever that turn changed, it sees all of it.
    const read = Promise.resolve()
      .then(() => this.task(isCurrent))
      .catch((error: unknown) => this.onUnexpected(error))
      .finally(() => {
        if (this.inFlight === read) this.inFlight = undefined;
        if (!isCurrent()) return;
        const now = this.clock.monotonic();
        this.nextDue += this.intervalMs;
        while (this.nextDue <= now - this.intervalMs) this.nextDue += this.intervalMs;
        this.timer = this.clock.setTimeout(() => this.run(generation), Math.max(0, this.nextDue - now));
      });
    this.inFlight = read;
  }
}

/** Where a polling driver's results go: the clock it stamps them with, its problem counts, its readings. */
export interface PollOutput {
  readonly clock: Clock;
  readonly problems: Pick<ProblemCounter, 'count'>;
  emit(reading: Reading): void;
}

/**
 * Reads the sensors of one device one after another at every poll, on one loop. Reads never
 * overlap: a 1-Wire bus takes one conversion at a time, and /proc files are read in
 * microseconds anyway. A read that throws is counted as `read-failed` under its sensor's name,
 * and the sensors after it are still read.
 */
export function pollSensorsInTurn<Sensor extends { readonly name: string }>(
  output: PollOutput,
  intervalMs: number,
  sensors: readonly Sensor[],
  read: (sensor: Sensor, isCurrent: () => boolean) => Promise<void>,
): Poller {
  return new PollLoop(output.clock, intervalMs, async (isCurrent) => {
    for (const sensor of sensors) {
      if (!isCurrent()) return;
      try {
        await read(sensor, isCurrent);
      } catch (error) {
        if (isCurrent()) output.problems.count('read-failed', `${sensor.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
}
