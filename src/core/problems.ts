import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/**
 * Counts bad input by kind (malformed line, bad checksum...) and logs it without flooding:
 * the first occurrence of each kind at once, then at most one summary per interval.
 * A garbage-spewing sensor must be visible, not fill the SD card with log lines.
 */
export class ProblemCounter {
  private readonly counts = new Map<string, number>();
  private readonly unreported = new Map<string, number>();
  private lastSummaryAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly summaryIntervalMs = 60_000,
  ) {}

  /** Records one problem; `detail` (e.g. the offending line, truncated) goes to the log only. */
  count(kind: string, detail?: string): void {
    const total = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, total);
    if (total === 1) {
      this.logger.warn({ kind, detail: truncate(detail) }, `${kind} (first occurrence; further ones are counted)`);
      return;
    }
    this.unreported.set(kind, (this.unreported.get(kind) ?? 0) + 1);
    const now = this.clock.monotonic();
    if (now - this.lastSummaryAt >= this.summaryIntervalMs) {
      this.lastSummaryAt = now;
      this.logger.warn(
        { kind, detail: truncate(detail), sinceLastSummary: Object.fromEntries(this.unreported), totals: this.snapshot() },
        'bad input counted',
      );
      this.unreported.clear();
    }
  }

  /** Totals by kind, for status messages and tests. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  total(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }
}

const MAX_DETAIL = 120;

function truncate(detail: string | undefined): string | undefined {
  if (detail === undefined || detail.length <= MAX_DETAIL) return detail;
  return `${detail.slice(0, MAX_DETAIL)}…`;
}
