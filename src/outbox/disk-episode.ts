import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/** After a failed write, wait this long before trying again. */
const RETRY_AFTER_DISK_ERROR_MS = 1000;

/** The error code a failed write carries (SQLITE_FULL, SQLITE_IOERR_WRITE, ENOSPC, EIO...), or its message. */
export function writeErrorCause(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code !== '') return code;
  const message = error instanceof Error ? error.message : String(error);
  return /\b(SQLITE_[A-Z_]+|ENOSPC|EIO|EROFS|EDQUOT)\b/.exec(message)?.[1] ?? message;
}

/**
 * One stretch of time during which the outbox cannot be written: said once when it starts,
 * with the cause and the free space a technician needs to act, and once when it ends, rather
 * than once per retry; meanwhile `retry` runs every second.
 */
export class DiskEpisode {
  private startedAt: number | undefined;
  private cause = '';
  private droppedAtStart = 0;
  private retryTimer: TimerHandle | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly freeBytes: () => number | undefined,
    private readonly retry: () => void,
  ) {}

  /** Whether a retry is scheduled: until it runs, new packs only join memory. */
  get retrying(): boolean {
    return this.retryTimer !== undefined;
  }

  /** Cancels the retry (at stop). */
  cancel(): void {
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * A write failed: logs the episode's start, and schedules a retry when `canRetry`. `dropped`
   * is the running count of readings dropped for the disk, to report the episode's share.
   */
  failed(what: string, error: unknown, held: number, dropped: number, canRetry: boolean): void {
    if (canRetry && !this.retryTimer) {
      this.retryTimer = this.clock.setTimeout(() => {
        this.retryTimer = undefined;
        this.retry();
      }, RETRY_AFTER_DISK_ERROR_MS);
    }
    if (this.startedAt !== undefined) return;
    this.startedAt = this.clock.monotonic();
    this.cause = writeErrorCause(error);
    this.droppedAtStart = dropped;
    const freeBytes = this.freeBytes();
    this.logger.error(
      { cause: this.cause, freeBytes, held, err: error instanceof Error ? error.message : String(error) },
      `${what} (${this.cause}, ${freeBytes === undefined ? 'free space unknown' : `${freeBytes} bytes free`}); new packs are kept in memory and sent from there, retrying every second`,
    );
  }

  /** A write succeeded: if writes were failing, say that they work again and what the episode cost. */
  recovered(held: number, dropped: number): void {
    if (this.startedAt === undefined) return;
    const lastedMs = Math.round(this.clock.monotonic() - this.startedAt);
    this.startedAt = undefined;
    this.logger.info(
      { cause: this.cause, lastedMs, freeBytes: this.freeBytes(), held, droppedReadings: dropped - this.droppedAtStart },
      `the outbox is writable again after ${Math.round(lastedMs / 1000)} s (${this.cause})`,
    );
  }
}
