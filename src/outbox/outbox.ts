/** A pack as it waits on disk for the broker's acknowledgement. */
export interface StoredPack {
  readonly id: number;
  readonly topic: string;
  /** The SenML-CBOR bytes as first encoded, session fields included. */
  readonly payload: Buffer;
  readonly readings: number;
  readonly boot: number;
  readonly seq: number;
  /** Wall-clock epoch milliseconds when the pack was stored, for the age bound. */
  readonly createdAt: number;
  /** The connection generation the pack was made in while connected; 0 if made offline. */
  readonly liveGeneration: number;
}

export type NewPack = Omit<StoredPack, 'id'>;

/** What a bound threw away, for the counters published in the node's status. */
export interface Dropped {
  packs: number;
  readings: number;
  /** Ids of dropped stored packs, so copies held in memory are forgotten too. */
  ids: number[];
}

/** Why packs were dropped: the outbox was full, or they grew older than the age bound. */
export type DropReason = 'full' | 'expired';

export interface OutboxTotals {
  readonly packs: number;
  readonly readings: number;
  readonly bytes: number;
}

/**
 * Packs stamped before the clock was set are never aged out, since their age is unknown,
 * rather than all dropped when NTP jumps the clock forward.
 */
export { SANE_CLOCK_FLOOR_MS } from '../core/corrected-clock.js';

/** What happens to a new pack when the outbox is full. */
export type OverflowPolicy = 'drop-oldest' | 'reject-new';

export interface OutboxBounds {
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly overflow: OverflowPolicy;
}

/**
 * The durable store-and-forward queue: packs go in before they are offered to MQTT and
 * come out when the broker acknowledges them, across outages and restarts.
 */
export interface Outbox {
  /**
   * Stores packs in one transaction, applying the bounds; returns their ids in order
   * (undefined: rejected). Once it returns they survive the process being killed; they
   * survive a power cut after the next sync(), or at once when `durable` (the commit then
   * waits for the card). Packs in `inFlight` are with the broker already (or acknowledged,
   * awaiting removal) and are never dropped to make room: they may yet be, or were,
   * delivered. Acknowledged packs in `remove` are removed first, in the same transaction.
   * When it throws, nothing was stored or removed and the totals are unchanged.
   */
  append(packs: readonly NewPack[], inFlight: ReadonlySet<number>, options?: { durable?: boolean; remove?: readonly number[] }): { ids: (number | undefined)[]; dropped: Dropped; reason?: DropReason };
  /** Makes everything stored so far survive a power cut (one fsync). */
  sync(): void;
  /** Up to `limit` packs with an id above `afterId`, oldest first. */
  after(afterId: number, limit: number): StoredPack[];
  /** Removes acknowledged packs, in one transaction. */
  remove(ids: readonly number[]): void;
  /** Drops packs older than the age bound, except those in flight. */
  expire(nowMs: number, inFlight: ReadonlySet<number>): Dropped;
  totals(): OutboxTotals;
  /** Free space for the outbox's files, in bytes (undefined if unknown): said when writes fail. */
  freeBytes?(): number | undefined;
  /** Increments and returns the persisted boot epoch; called once per start. */
  nextBootEpoch(): number;
  close(): void;
}
