import type { Clock } from './clock.js';
import { excerpt } from './excerpt.js';
import type { Logger } from './logger.js';

/**
 * Counts bad input by kind (malformed line, bad checksum...) and logs it without flooding:
 * the first occurrence of each kind at once, then at most one summary per interval.
 * A garbage-spewing sensor, or a flood of hostile commands, must be visible, not fill the
 * SD card with log lines: kinds are a fixed vocabulary, never the input itself.
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

  /** Records one problem; `detail` (e.g. the offending line) goes to the log only, as an excerpt. */
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

/** A detail is a reason and an excerpt of the input: room for both, not for the input. */
const MAX_DETAIL = 160;

function truncate(detail: string | undefined): string | undefined {
  return detail === undefined ? undefined : excerpt(detail, MAX_DETAIL);
}
