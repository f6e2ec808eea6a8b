/**
 * Between the batcher and the encoder: readings get their wall time here, from their
 * monotonic stamp and the trusted offset in force when they are handed on, so a step of the
 * wall clock before then never reaches the wire. While the clock is not trusted, readings are
 * held (in memory, at most `maxHeldReadings`, the oldest dropped and counted) and released in
 * the order they were taken, before any newer ones, once it is. With `untrusted: flag`, after
 * `trustWithinSeconds` they go out with the machine's time instead, marked `clock: 'untrusted'`.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { copyReading, type Reading } from '../core/reading.js';
import type { TrustedTime } from '../core/trusted-time.js';

export interface TimelinePolicy {
  readonly untrusted: 'hold' | 'flag';
  readonly trustWithinSeconds: number;
  readonly maxHeldReadings: number;
}

export interface TimelineOptions {
  readonly time: TrustedTime;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly policy: TimelinePolicy;
  /** Counts a problem against a board (readings dropped while held). */
  readonly count: (board: string, kind: string, detail: string) => void;
}

/** Where a board's dated readings go: the encoder and the outbox. */
export type Deliver = (readings: Reading[]) => void;

interface Held {
  readonly board: string;
  readonly readings: Reading[];
  readonly deliver: Deliver;
}

export class Timeline implements Lifecycle {
  private held: Held[] = [];
  private heldCount = 0;
  private droppedCount = 0;
  private boundTimer: TimerHandle | undefined;
  private boundPassed = false;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private warnedBeforeBuildDate = false;

  constructor(private readonly options: TimelineOptions) {}

  /** The batcher's `onBatch` for one board: its readings dated, or held, then handed to `deliver`. */
  forBoard(board: string, deliver: Deliver): (readings: Reading[]) => void {
    return (readings) => this.submit(board, readings, deliver);
  }

  /** Readings held now, and dropped from the hold since start. */
  get counts(): { held: number; dropped: number } {
    return { held: this.heldCount, dropped: this.droppedCount };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.boundPassed = false;
    this.unsubscribe = this.options.time.onChange(() => this.release());
    this.boundTimer = this.options.clock.setTimeout(() => this.boundReached(), this.options.policy.trustWithinSeconds * 1000);
  }

  /**
   * After the boards flushed their batchers. Held readings can never be dated once this boot
   * ends: they go out with the machine's time, marked untrusted, when it reads after the build
   * date; otherwise they are dropped and counted.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.options.clock.clearTimeout(this.boundTimer);
    this.boundTimer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.release();
    if (this.heldCount === 0) return;
    const held = this.heldCount;
    if (this.sendUntrusted()) {
      this.options.logger.warn({ readings: held }, 'stopping before the clock was trusted: held readings sent with the machine time, marked clock_: untrusted');
      return;
    }
    for (const entry of this.held) this.dropped(entry.board, entry.readings.length, 'the node stopped before the clock was trusted, and the machine clock reads before the build date');
    this.held = [];
    this.heldCount = 0;
  }

  submit(board: string, readings: Reading[], deliver: Deliver): void {
    if (readings.length === 0) return;
    const offset = this.options.time.offset();
    if (offset !== undefined && this.held.length === 0) {
      deliver(readings.map((reading) => copyReading(reading, { time: Math.round(monotonicOf(reading, offset) + offset) })));
      return;
    }
    this.hold(board, readings, deliver);
    if (offset !== undefined) this.release();
    else if (this.boundPassed && this.options.policy.untrusted === 'flag') this.sendUntrusted();
  }

  /** Hands on everything held, in order, once the clock is trusted. */
  private release(): void {
    const offset = this.options.time.offset();
    if (offset === undefined || this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    this.heldCount = 0;
    for (const entry of held) entry.deliver(entry.readings.map((reading) => copyReading(reading, { time: Math.round(monotonicOf(reading, offset) + offset) })));
  }

  private hold(board: string, readings: Reading[], deliver: Deliver): void {
    this.held.push({ board, readings: [...readings], deliver });
    this.heldCount += readings.length;
    const excess = this.heldCount - this.options.policy.maxHeldReadings;
    if (excess > 0) this.dropOldest(excess);
  }

  private dropOldest(count: number): void {
    let left = count;
    while (left > 0 && this.held.length > 0) {
      const oldest = this.held[0]!;
      const taken = Math.min(left, oldest.readings.length);
      oldest.readings.splice(0, taken);
      if (oldest.readings.length === 0) this.held.shift();
      this.heldCount -= taken;
      left -= taken;
      this.dropped(oldest.board, taken, `more than ${this.options.policy.maxHeldReadings} readings held while the clock is not trusted: the oldest dropped`);
    }
  }

  private dropped(board: string, readings: number, detail: string): void {
    this.droppedCount += readings;
    for (let index = 0; index < readings; index++) this.options.count(board, 'clock-held-dropped', detail);
  }

  private boundReached(): void {
    this.boundTimer = undefined;
    this.boundPassed = true;
    if (this.options.time.source !== undefined) return;
    const { policy, logger } = this.options;
    if (policy.untrusted === 'flag') {
      logger.warn({ trustWithinSeconds: policy.trustWithinSeconds, held: this.heldCount }, 'the clock is not trusted in time: readings are sent with the machine time, marked clock_: untrusted');
      this.sendUntrusted();
    } else {
      logger.warn({ trustWithinSeconds: policy.trustWithinSeconds, held: this.heldCount, maxHeldReadings: policy.maxHeldReadings }, 'the clock is not trusted in time: readings are held until it is (check NTP, a GPS fix or the broker time message)');
    }
  }

  /**
   * Sends what is held with the machine's time, marked untrusted; false (and nothing sent)
   * while the machine clock reads before the build date: no time before it goes on the wire.
   */
  private sendUntrusted(): boolean {
    const { time, logger } = this.options;
    const machine = time.machineOffset();
    const oldest = this.held[0]?.readings[0];
    if (!oldest) return true;
    // One offset for the whole boot: if the oldest reading dates after the build date, all do.
    if (monotonicOf(oldest, machine) + machine < time.buildDateMs) {
      if (!this.warnedBeforeBuildDate) {
        this.warnedBeforeBuildDate = true;
        logger.warn({ machine: new Date(time.base.now()).toISOString() }, 'the machine clock reads before the build date: readings stay held until the clock is trusted or set');
      }
      return false;
    }
    const held = this.held;
    this.held = [];
    this.heldCount = 0;
    for (const entry of held) {
      entry.deliver(entry.readings.map((reading) => copyReading(reading, { time: Math.round(monotonicOf(reading, machine) + machine), clock: 'untrusted' })));
    }
    return true;
  }
}

/** The reading's monotonic stamp; for a reading that has none, its time read back through `offset`. */
function monotonicOf(reading: Reading, offset: number): number {
  return reading.monotonic ?? reading.time - offset;
}
