import type { Clock, TimerHandle } from '../core/clock.js';

export interface BatcherOptions<T> {
  /** A batch is handed on as soon as it holds this many items. */
  readonly maxItems: number;
  /** ...or when its first item has waited this long (monotonic milliseconds). */
  readonly maxDelayMs: number;
  readonly clock: Clock;
  readonly onBatch: (items: T[]) => void;
}

/**
 * Groups readings into packs by count and by time window: large packs are cheap on the
 * wire and the broker, the window bounds how stale a reading can get at low rates.
 */
export class Batcher<T> {
  private items: T[] = [];
  private timer: TimerHandle | undefined;

  constructor(private readonly options: BatcherOptions<T>) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.options.maxItems) {
      this.flush();
    } else if (this.items.length === 1) {
      this.timer = this.options.clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.maxDelayMs);
    }
  }

  /** Hands on whatever is waiting now; used on shutdown so nothing is left behind. */
  flush(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.options.onBatch(batch);
  }

  get pending(): number {
    return this.items.length;
  }
}
