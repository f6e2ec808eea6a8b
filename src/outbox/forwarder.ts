/**
 * Store and forward: every pack is written to the outbox before it is offered to MQTT and
 * removed only when the broker acknowledges it. Fresh packs go first; the backlog left by an
 * outage or a restart drains behind them at a bounded rate, marked historical. Only a small
 * window of packs is ever held in memory, however long the backlog on disk.
 *
 * A written pack survives the process being killed at once, and a power cut once synced: a
 * pack the broker has not acknowledged within `syncDelayMs` is synced then, with every other
 * one waiting (one fsync). While the broker keeps up, packs are acknowledged first and the
 * card sees no fsync for them.
 */
import { encodeHistorical, SENML_CBOR_CONTENT_TYPE, type PackSession } from '../codec/index.js';
import type { TimerHandle } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { Listeners } from '../core/listeners.js';
import { isNotAuthorized } from '../uplink/mqtt-uplink.js';
import { AcknowledgedPacks } from './acknowledged-packs.js';
import { DiskEpisode } from './disk-episode.js';
import { DrainProgress } from './drain-progress.js';
import { DrainRate } from './drain-rate.js';
import type { ForwarderOptions } from './forwarder-options.js';
import { DropLedger, emptyForwarderStats, type DropCause, type ForwarderStats } from './forwarder-stats.js';
import { HeldPacks } from './held-packs.js';
import type { Dropped, NewPack, Outbox, StoredPack } from './outbox.js';

export { emptyForwarderStats, type DropCause, type ForwarderStats } from './forwarder-stats.js';
export type { ForwarderOptions } from './forwarder-options.js';

/** Fresh packs kept in memory for sending first; beyond this they wait on disk like the backlog. */
const LIVE_QUEUE_LIMIT = 256;
const BACKLOG_WINDOW = 128;

/** MQTT 5 PUBACK reasons that will not change on a resend: topic name invalid, packet too large, payload format invalid. */
const PERMANENT_REFUSALS = new Set([0x90, 0x95, 0x99]);
/** Wait after a transient refusal (quota exceeded, unspecified error) before resending. */
const RETRY_AFTER_REFUSAL_MS = 1000;
/** Fixed header, topic length and properties of a publish, on top of the payload. */
const PUBLISH_OVERHEAD_BYTES = 512;
/**
 * How long an acknowledged pack's row may wait for the next write's transaction before it is
 * removed in one of its own. Packs follow each other within a batching window (1 s by
 * default), so their removals ride along with the next pack's commit: one transaction per pack
 * instead of two, at 1,000 lines/s and at 10 readings/s alike. The price: a node killed
 * within this time sends those packs again after its restart, and receivers drop them by
 * (boot, seq), as after a power cut.
 */
export const REMOVAL_DELAY_MS = 2000;

export class Forwarder implements Lifecycle {
  readonly stats: ForwarderStats = emptyForwarderStats();
  private seq = 0;
  private pendingAppend: NewPack[] = [];
  /** Packs not on disk yet: written at the next commit, or sent and acknowledged from here while the disk is full. */
  private readonly held = new HeldPacks();
  private readonly episode: DiskEpisode;
  private commitScheduled = false;
  private readonly inFlight = new Map<number, { readonly pack: StoredPack; readonly generation: number; readonly sentAt: number }>();
  private liveQueue: StoredPack[] = [];
  private backlog: StoredPack[] = [];
  /** Highest outbox id read into the backlog window; rewound when packs must be resent. */
  private backlogCursor = 0;
  /** Acknowledged packs whose rows the next write removes. */
  private readonly acknowledged = new AcknowledgedPacks();
  private removalTimer: TimerHandle | undefined;
  /** Stored packs neither acknowledged nor synced yet (what a power cut could still take), with when each was written, oldest first. */
  private readonly unsynced = new Map<number, number>();
  private syncTimer: TimerHandle | undefined;
  /**
   * Set when the outbox was found to hold nothing beyond the backlog cursor that memory does
   * not hold too, so that at steady state pump() does not query the disk for every pack;
   * cleared by whatever can leave a stored pack that is not queued in memory.
   */
  private backlogDrained = false;
  private readonly drainRate: DrainRate;
  /** The backlog's drain as it goes: logged, and in the node status while it lasts (`progress.status()`). */
  readonly progress: DrainProgress;
  private pumpTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  private running = false;
  /** Set by stop(): the outbox is closed, late acknowledgements are ignored. */
  private closed = false;
  /** Monotonic time before which nothing is resent after a transient refusal. */
  private holdUntil = 0;
  private readonly drops: DropLedger;
  private readonly ackListeners = new Listeners<[payload: Buffer, readings: number, latencyMs: number]>();

  constructor(private readonly options: ForwarderOptions) {
    this.drainRate = new DrainRate(options.drainReadingsPerSecond, options.clock);
    this.progress = new DrainProgress(options.clock, options.logger, () => this.backlogTotals());
    this.drops = new DropLedger(this.stats, options.logger, () => options.clock.monotonic());
    this.episode = new DiskEpisode(options.logger, options.clock, () => options.outbox.freeBytes?.(), () => this.commit());
    options.uplink.onConnect(() => this.pump());
    options.uplink.onDisconnect(() => this.rewindAll());
  }

  /** Called with every pack the broker acknowledged, as sent, and how long after its publish (for measurements and tests). */
  onAck(listener: (payload: Buffer, readings: number, latencyMs: number) => void): () => void {
    return this.ackListeners.add(listener);
  }

  /** Called after readings were dropped, to publish the counters. */
  onDrop(listener: (cause: DropCause, dropped: { packs: number; readings: number }) => void): () => void {
    return this.drops.onDrop(listener);
  }

  /** Packs and readings waiting on disk: the outbox's rows less those acknowledged and awaiting removal. */
  backlogTotals(): { packs: number; readings: number; bytes: number } {
    const stored = this.options.outbox.totals();
    const acknowledged = this.acknowledgedTotals();
    return { packs: stored.packs - acknowledged.packs, readings: stored.readings - acknowledged.readings, bytes: stored.bytes - acknowledged.bytes };
  }

  /** Acknowledged packs whose rows are still on disk (removed with the next write): with backlogTotals(), what the outbox holds. */
  acknowledgedTotals(): { packs: number; readings: number; bytes: number } {
    return this.acknowledged.totals();
  }

  /** When the oldest pack still waiting on disk was stored (undefined: none waits). */
  oldestWaitingCreatedAt(): number | undefined {
    const rows = this.options.outbox.after(0, this.acknowledged.size + 1);
    return rows.find((row) => !this.acknowledged.has(row.id))?.createdAt;
  }

  /** Packs kept in memory because the disk refuses writes: in the status, so a full disk is visible before anything is dropped. */
  heldTotals(): { packs: number; readings: number; bytes: number } {
    return { packs: this.held.size, readings: this.held.readings, bytes: this.held.bytes };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.closed = false;
    this.scheduleExpiry();
    this.pump();
  }

  /**
   * Numbers a pack, encodes it with `encode` and queues it for the outbox; packs submitted in
   * the same turn of the event loop are written in one transaction.
   */
  submit(topic: string, readings: number, encode: (session: PackSession) => Buffer): void {
    const seq = ++this.seq;
    const { uplink, clock, boot } = this.options;
    this.pendingAppend.push({
      topic,
      payload: encode({ boot, seq }),
      readings,
      boot,
      seq,
      createdAt: clock.now(),
      liveGeneration: uplink.isConnected ? uplink.connectionGeneration : 0,
    });
    this.stats.packsSubmitted++;
    this.stats.readingsSubmitted += readings;
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.commit());
    }
  }

  /** Writes what is pending, waits a bounded time for acknowledgements, and keeps the rest on disk. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.commit();
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 5000);
    while ((this.inFlight.size > 0 || (this.liveQueue.length > 0 && this.options.uplink.isConnected)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.running = false;
    this.options.clock.clearTimeout(this.pumpTimer);
    this.options.clock.clearTimeout(this.expiryTimer);
    this.options.clock.clearTimeout(this.syncTimer);
    this.options.clock.clearTimeout(this.removalTimer);
    this.episode.cancel();
    this.pumpTimer = this.expiryTimer = this.syncTimer = this.removalTimer = undefined;
    // Whatever is still in flight stays on disk (held packs are written now) and is resent at the next start.
    this.inFlight.clear();
    this.commit();
    this.syncUnacknowledged();
    this.closed = true;
    const left = this.options.outbox.totals();
    if (left.packs > 0) this.options.logger.info({ packs: left.packs, readings: left.readings }, 'unsent packs stay in the outbox for the next start');
    if (this.held.size > 0) {
      const lost = { packs: this.held.size, readings: this.held.readings, ids: [] };
      this.options.logger.error({ packs: lost.packs, readings: lost.readings }, 'packs that could not be written to the outbox are lost at stop');
      this.held.remove(new Set(this.held.select(() => false).map((pack) => pack.id)));
      this.dropped('disk-full', lost);
    }
    this.options.outbox.close();
  }

  /**
   * Takes the packs of this turn into memory (queuing the live ones to go first), then writes
   * what memory holds in one transaction. While the disk refuses writes, packs stay in memory
   * within a bound and the live ones are still sent from there.
   */
  private commit(): void {
    this.commitScheduled = false;
    if (this.closed) return;
    const { uplink } = this.options;
    const generation = uplink.connectionGeneration;
    for (const pack of this.pendingAppend) {
      const held = this.held.hold(pack);
      if (uplink.isConnected && pack.liveGeneration === generation && this.liveQueue.length < LIVE_QUEUE_LIMIT) this.liveQueue.push(held);
    }
    this.pendingAppend = [];
    // While a failed write waits for its retry, new packs only join memory.
    if (!(this.episode.retrying && this.running)) this.writeHeld();
    this.dropHeldOverflow();
    this.pump();
  }

  private writeHeld(): void {
    // Packs in flight stay in memory until acknowledged or taken back: their acknowledgement then needs no row.
    const packs = this.held.select((id) => this.inFlight.has(id));
    if (packs.length === 0) return this.removeAcknowledged();
    let result: ReturnType<Outbox['append']>;
    const durable = this.options.syncDelayMs === 0;
    // Acknowledged rows go first, so that making room never counts a delivered pack as dropped.
    const removing = this.acknowledged.ids();
    try {
      result = this.options.outbox.append(packs, this.protectedIds(), { durable, remove: removing });
    } catch (error) {
      this.diskFailed('cannot write to the outbox', error);
      return;
    }
    this.diskWorked();
    this.removed(removing);
    // A durable commit synced every earlier one with it.
    if (durable) this.unsynced.clear();
    const queued = new Set(this.liveQueue.map((pack) => pack.id));
    const written = new Map<number, StoredPack | undefined>();
    packs.forEach((pack, index) => {
      const id = result.ids[index];
      written.set(pack.id, id === undefined ? undefined : { ...pack, id });
      if (id === undefined) return;
      if (!durable) this.unsynced.set(id, this.options.clock.monotonic());
      // Made offline or beyond the live queue: only the disk has it now.
      if (!queued.has(pack.id)) this.backlogDrained = false;
    });
    this.scheduleSync();
    this.held.remove(new Set(written.keys()));
    this.liveQueue = this.liveQueue.flatMap((pack) => {
      if (!written.has(pack.id)) return [pack];
      const stored = written.get(pack.id);
      return stored ? [stored] : [];
    });
    if (result.dropped.packs > 0) this.dropped('full', result.dropped);
  }

  /** Stored packs that making room must not drop: in flight, or acknowledged and awaiting removal. */
  private protectedIds(): Set<number> {
    return new Set([...this.inFlight.keys(), ...this.acknowledged.ids()]);
  }

  /** Beyond memory's bound, the oldest held packs not in flight are dropped, counted once as `disk-full`. */
  private dropHeldOverflow(): void {
    const victims = this.held.overflow((id) => this.inFlight.has(id));
    if (victims.length === 0) return;
    this.dropped('disk-full', { packs: victims.length, readings: victims.reduce((sum, pack) => sum + pack.readings, 0), ids: victims.map((pack) => pack.id) });
  }

  /**
   * A write failed (a full or failing SD card): keep the packs in memory, within a bound,
   * and try again; the process must not die of it.
   */
  private diskFailed(what: string, error: unknown): void {
    this.episode.failed(what, error, this.held.size, this.stats.dropped['disk-full'].readings, this.running && !this.closed);
  }

  private diskWorked(): void {
    this.episode.recovered(this.held.size, this.stats.dropped['disk-full'].readings);
  }

  /** Hands packs to MQTT while there is room in the window: fresh ones first, then the backlog as the rate allows. */
  private pump(): void {
    if (!this.running || !this.options.uplink.isConnected) return;
    const now = this.options.clock.monotonic();
    if (now < this.holdUntil) {
      this.schedulePump(this.holdUntil - now);
      return;
    }
    while (this.inFlight.size < this.options.maxInFlight) {
      const live = this.liveQueue.shift();
      if (live) {
        this.send(live);
        continue;
      }
      // Held packs not sent live (made offline, or taken back at a disconnect) go before the disk's backlog: only memory has them.
      const next = this.held.first((id) => this.inFlight.has(id) || this.acknowledged.has(id)) ?? this.peekBacklog();
      if (!next) return this.progress.caughtUp();
      const waitMs = this.drainRate.take(next.readings);
      if (waitMs > 0) {
        this.schedulePump(waitMs);
        break;
      }
      if (next.id > 0) this.backlog.shift();
      this.send(next);
    }
  }

  private send(pack: StoredPack): void {
    const { uplink, boot } = this.options;
    const generation = uplink.connectionGeneration;
    const historical = pack.boot !== boot || pack.liveGeneration !== generation;
    const payload = historical ? encodeHistorical(pack.payload) : pack.payload;
    const limit = uplink.maximumPacketSize;
    if (limit !== undefined && payload.length + PUBLISH_OVERHEAD_BYTES > limit) {
      // The broker would drop the connection over it, again and again: never send it.
      this.forget(pack);
      this.dropped('refused', { packs: 1, readings: pack.readings, ids: [] }, `a pack of ${payload.length} bytes exceeds the broker's maximum packet size (${limit}): lower batching.maxReadings`);
      return;
    }
    this.inFlight.set(pack.id, { pack, generation, sentAt: this.options.clock.monotonic() });
    this.progress.sent(historical);
    uplink.publish({ topic: pack.topic, payload, contentType: SENML_CBOR_CONTENT_TYPE }, (error) => this.published(pack, generation, historical, payload, error));
  }

  private published(pack: StoredPack, generation: number, historical: boolean, payload: Buffer, error?: Error & { code?: string | number }): void {
    const entry = this.inFlight.get(pack.id);
    // After a disconnect or stop every pack in flight was taken back; late news about them is stale.
    if (this.closed || !entry || entry.generation !== generation) return;
    this.inFlight.delete(pack.id);
    this.progress.settled(historical, pack.readings, !error);
    if (!error) {
      this.stats.packsAcked++;
      this.stats.readingsAcked += pack.readings;
      this.stats.payloadBytesAcked += payload.length;
      if (historical) this.stats.historicalReadingsAcked += pack.readings;
      this.forget(pack);
      this.ackListeners.emit(payload, pack.readings, this.options.clock.monotonic() - entry.sentAt);
    } else if (isNotAuthorized(error)) {
      // Resending what the ACL refuses would loop forever: drop it, count it, say why.
      this.forget(pack);
      this.dropped('denied', { packs: 1, readings: pack.readings, ids: [] }, `the broker refused publishing to ${pack.topic} (not authorized): check its ACL for this node`);
    } else if (typeof error.code === 'number' && PERMANENT_REFUSALS.has(error.code)) {
      this.forget(pack);
      this.dropped('refused', { packs: 1, readings: pack.readings, ids: [] }, `the broker refused a pack on ${pack.topic} for good (reason ${error.code}: ${error.message})`);
    } else {
      this.options.logger.warn({ topic: pack.topic, err: error.message }, 'publish refused; resending shortly');
      this.holdUntil = this.options.clock.monotonic() + RETRY_AFTER_REFUSAL_MS;
      this.rewindTo(pack.id);
    }
    this.pump();
  }

  private peekBacklog(): StoredPack | undefined {
    if (this.backlog.length === 0) {
      if (this.backlogDrained) return undefined;
      let rows: StoredPack[];
      try {
        rows = this.options.outbox.after(this.backlogCursor, BACKLOG_WINDOW);
      } catch (error) {
        // A failing card may refuse reads too: live packs still go, the backlog waits for the retry.
        this.diskFailed('cannot read the outbox', error);
        return undefined;
      }
      if (rows.length === 0) {
        this.backlogDrained = true;
        return undefined;
      }
      this.backlogCursor = rows[rows.length - 1]!.id;
      const queued = new Set(this.liveQueue.map((pack) => pack.id));
      this.backlog = rows.filter((row) => !this.inFlight.has(row.id) && !this.acknowledged.has(row.id) && !queued.has(row.id));
      if (this.backlog.length === 0) return this.peekBacklog();
    }
    return this.backlog[0];
  }

  /** Forgets everything in flight or queued: it is all on disk and will be read again in order. */
  private rewindAll(): void {
    // Held packs (negative ids) stay in memory, to be written or sent again, marked historical.
    const ids = [...this.inFlight.keys(), ...this.liveQueue.map((pack) => pack.id), ...this.backlog.map((pack) => pack.id)].filter((id) => id > 0);
    this.inFlight.clear();
    this.progress.rewound();
    this.liveQueue = [];
    this.backlog = [];
    if (ids.length > 0) {
      this.backlogCursor = Math.min(this.backlogCursor, Math.min(...ids) - 1);
      this.backlogDrained = false;
    }
  }

  private rewindTo(id: number): void {
    // A held pack is found again in memory by pump(); only stored ones need the cursor moved.
    if (id < 0) return;
    this.backlog = [];
    this.backlogCursor = Math.min(this.backlogCursor, id - 1);
    this.backlogDrained = false;
  }

  /** Done with a pack: a held one is simply forgotten, a stored one is removed from disk. */
  private forget(pack: StoredPack): void {
    if (pack.id < 0) this.held.remove(new Set([pack.id]));
    else this.markForRemoval(pack);
  }

  private markForRemoval(pack: StoredPack): void {
    // Acknowledged: the broker has it, a power cut can no longer take it.
    this.unsynced.delete(pack.id);
    if (this.unsynced.size === 0) this.cancelSync();
    this.acknowledged.add(pack.id, pack.readings, pack.payload.length);
    // The next commit removes it in its transaction; this timer only when no pack follows soon.
    this.removalTimer ??= this.options.clock.setTimeout(() => {
      this.removalTimer = undefined;
      this.removeAcknowledged();
    }, REMOVAL_DELAY_MS);
  }

  /** Rows removed: forgotten, and the fallback timer stopped once none waits. */
  private removed(ids: readonly number[]): void {
    this.acknowledged.removed(ids);
    if (this.acknowledged.size > 0) return;
    this.options.clock.clearTimeout(this.removalTimer);
    this.removalTimer = undefined;
  }

  private removeAcknowledged(): void {
    // Packs submitted since: their commit, later in this turn, removes these too.
    if (this.closed || this.acknowledged.size === 0 || this.commitScheduled) return;
    const removing = this.acknowledged.ids();
    try {
      this.options.outbox.remove(removing);
      this.removed(removing);
      // With packs still held, only writing them shows the disk takes writes again.
      if (this.held.size === 0) this.diskWorked();
    } catch (error) {
      // Kept for the next attempt; at worst they are resent after a restart (consumers deduplicate).
      this.diskFailed('cannot remove acknowledged packs from the outbox', error);
    }
  }

  /**
   * Syncs when the oldest stored pack still unacknowledged has waited `syncDelayMs` (or after
   * `afterMs`), with every other one waiting: the broker's acknowledgements usually come first.
   */
  private scheduleSync(afterMs?: number): void {
    const oldest = this.unsynced.values().next();
    if (this.syncTimer || oldest.done || this.closed) return;
    const { clock, syncDelayMs } = this.options;
    this.syncTimer = clock.setTimeout(
      () => {
        this.syncTimer = undefined;
        const first = this.unsynced.values().next();
        if (first.done) return;
        if (clock.monotonic() - first.value >= syncDelayMs) this.syncUnacknowledged();
        else this.scheduleSync();
      },
      Math.max(0, afterMs ?? oldest.value + syncDelayMs - clock.monotonic()),
    );
  }

  /** Nothing waits to be synced: the timer would wake the node for nothing. */
  private cancelSync(): void {
    this.options.clock.clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
  }

  private syncUnacknowledged(): void {
    if (this.closed || this.unsynced.size === 0) return;
    try {
      this.options.outbox.sync();
      this.unsynced.clear();
    } catch (error) {
      this.diskFailed('cannot sync the outbox to disk', error);
      if (this.running) this.scheduleSync(this.options.syncDelayMs);
    }
  }

  private schedulePump(delayMs: number): void {
    if (this.pumpTimer) return;
    this.pumpTimer = this.options.clock.setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, Math.max(1, Math.ceil(delayMs)));
  }

  private scheduleExpiry(): void {
    this.expiryTimer = this.options.clock.setTimeout(() => {
      try {
        const dropped = this.options.outbox.expire(this.options.clock.now(), this.protectedIds());
        if (dropped.packs > 0) this.dropped('expired', dropped);
      } catch (error) {
        // Part of the same episode as failed writes: said once, not at every check.
        this.diskFailed('cannot expire old packs from the outbox', error);
      }
      if (this.running) this.scheduleExpiry();
    }, this.options.expiryCheckMs ?? 60_000);
  }

  /** Forgets dropped packs held in memory, then counts them. */
  private dropped(cause: DropCause, dropped: Dropped, reason?: string): void {
    const forgotten = new Set(dropped.ids);
    if (forgotten.size > 0) {
      for (const id of forgotten) this.unsynced.delete(id);
      this.liveQueue = this.liveQueue.filter((pack) => !forgotten.has(pack.id));
      this.backlog = this.backlog.filter((pack) => !forgotten.has(pack.id));
      this.held.remove(forgotten);
    }
    this.drops.record(cause, { packs: dropped.packs, readings: dropped.readings }, reason);
  }
}
