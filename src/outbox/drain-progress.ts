import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/** How far a drain has come, for the node status: what is left, how fast it goes, when it ends. */
export interface DrainStatus {
  readonly packs: number;
  readonly readings: number;
  /** Backlog readings acknowledged per second since the drain began. */
  readonly readingsPerSecond: number;
  /** Seconds to go at that rate; null until a rate is known. */
  readonly etaSeconds: number | null;
}

/** Progress is logged at most this often: a drain after a long outage can take hours. */
export const DRAIN_LOG_INTERVAL_MS = 5000;

/**
 * Follows the drain of a backlog after an outage or a restart, so a technician watching the
 * log (or a `tail` reading the status) sees that it moves and when it will end: what is left,
 * the rate and the time to go, at most every few seconds, and one line when it is empty.
 * A drain begins with the first historical pack sent and ends when none is left to send or
 * waiting for its acknowledgement.
 */
export class DrainProgress {
  private startedAt: number | undefined;
  private readingsDrained = 0;
  private inFlight = 0;
  private lastLogAt = 0;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** What waits in the outbox now. */
    private readonly left: () => { readonly packs: number; readonly readings: number },
    private readonly logIntervalMs = DRAIN_LOG_INTERVAL_MS,
  ) {}

  /** A pack was handed to MQTT; a historical one begins a drain if none is under way. */
  sent(historical: boolean): void {
    if (!historical) return;
    this.inFlight++;
    if (this.startedAt !== undefined) return;
    this.startedAt = this.lastLogAt = this.clock.monotonic();
    this.readingsDrained = 0;
    const { packs, readings } = this.left();
    this.logger.info({ packs, readings }, `draining the backlog: ${packs} packs, ${readings} readings`);
  }

  /** The broker acknowledged a pack (or it was dropped); logs the progress when it is due. */
  settled(historical: boolean, readings: number, acknowledged: boolean): void {
    if (!historical || this.startedAt === undefined) return;
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (acknowledged) this.readingsDrained += readings;
    const now = this.clock.monotonic();
    if (now - this.lastLogAt < this.logIntervalMs) return;
    this.lastLogAt = now;
    const status = this.status();
    if (!status) return;
    const eta = status.etaSeconds === null ? 'unknown' : `${status.etaSeconds} s`;
    this.logger.info({ ...status }, `backlog: ${status.packs} packs, ${status.readings} readings left, ${status.readingsPerSecond} readings/s, about ${eta} to go`);
  }

  /** Packs in flight were taken back (a disconnect): they will be sent again. */
  rewound(): void {
    this.inFlight = 0;
  }

  /** Nothing of the backlog is left to send: once the last one is acknowledged, the drain is over. */
  caughtUp(): void {
    if (this.startedAt === undefined || this.inFlight > 0) return;
    const seconds = Math.round((this.clock.monotonic() - this.startedAt) / 100) / 10;
    this.logger.info({ readings: this.readingsDrained, seconds }, `backlog drained: ${this.readingsDrained} readings in ${seconds} s`);
    this.startedAt = undefined;
  }

  /** While a drain is under way: what is left, the rate and the time to go; otherwise undefined. */
  status(): DrainStatus | undefined {
    if (this.startedAt === undefined) return undefined;
    const { packs, readings } = this.left();
    const elapsedSeconds = (this.clock.monotonic() - this.startedAt) / 1000;
    const rate = elapsedSeconds > 0 ? this.readingsDrained / elapsedSeconds : 0;
    return { packs, readings, readingsPerSecond: Math.round(rate * 10) / 10, etaSeconds: rate > 0 ? Math.ceil(readings / rate) : null };
  }
}
