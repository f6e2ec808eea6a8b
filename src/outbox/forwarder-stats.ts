import { Listeners } from '../core/listeners.js';
import type { Logger } from '../core/logger.js';

/**
 * Why readings were dropped: the outbox was full, the disk could not take them and memory's
 * bound was reached, they outlived the age bound, the broker's ACL refused them, or the broker
 * refused the pack itself (too large, invalid) for good.
 */
export type DropCause = 'full' | 'disk-full' | 'expired' | 'denied' | 'refused';

/** Counters since start, for the node status, the benchmark and tests. */
export interface ForwarderStats {
  packsSubmitted: number;
  readingsSubmitted: number;
  packsAcked: number;
  readingsAcked: number;
  payloadBytesAcked: number;
  historicalReadingsAcked: number;
  dropped: Record<DropCause, { packs: number; readings: number }>;
}

/** Counters before anything happened. */
export function emptyForwarderStats(): ForwarderStats {
  return {
    packsSubmitted: 0,
    readingsSubmitted: 0,
    packsAcked: 0,
    readingsAcked: 0,
    payloadBytesAcked: 0,
    historicalReadingsAcked: 0,
    dropped: { full: { packs: 0, readings: 0 }, 'disk-full': { packs: 0, readings: 0 }, expired: { packs: 0, readings: 0 }, denied: { packs: 0, readings: 0 }, refused: { packs: 0, readings: 0 } },
  };
}

const DEFAULT_REASONS: Record<DropCause, string> = {
  full: 'readings dropped (outbox full)',
  'disk-full': 'readings dropped (the disk cannot take the outbox and memory is full)',
  expired: 'readings dropped (older than the age bound)',
  denied: 'readings dropped (not authorized)',
  refused: 'readings dropped (refused by the broker)',
};

/**
 * Counts drops into the stats, tells listeners (the session republishes the status), and
 * logs at most every 10 s with the totals, so that a full outbox does not flood the log.
 */
export class DropLedger {
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Listeners<[cause: DropCause, dropped: { packs: number; readings: number }]>();

  constructor(
    private readonly stats: ForwarderStats,
    private readonly logger: Logger,
    private readonly monotonic: () => number,
  ) {}

  /** Called after readings were dropped; returns the unsubscribe. */
  onDrop(listener: (cause: DropCause, dropped: { packs: number; readings: number }) => void): () => void {
    return this.listeners.add(listener);
  }

  record(cause: DropCause, dropped: { packs: number; readings: number }, reason?: string): void {
    const totals = this.stats.dropped[cause];
    totals.packs += dropped.packs;
    totals.readings += dropped.readings;
    const now = this.monotonic();
    if (now - this.lastLogAt >= 10_000) {
      this.lastLogAt = now;
      this.logger.warn({ cause, dropped: this.stats.dropped }, reason ?? DEFAULT_REASONS[cause]);
    }
    this.listeners.emit(cause, dropped);
  }
}
