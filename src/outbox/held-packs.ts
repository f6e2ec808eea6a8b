import type { NewPack, StoredPack } from './outbox.js';

/** Packs kept in memory while the disk cannot take them (a full SD card); older ones are dropped beyond it. */
export const HELD_PACKS_LIMIT = 10_000;
/** The same bound in payload bytes, so that large packs cannot grow memory past a few MiB. */
export const HELD_BYTES_LIMIT = 8 * 1024 * 1024;

/**
 * Packs not on disk yet, oldest first. They carry negative ids, which no stored row has, so
 * that they can be sent, acknowledged and taken back like stored packs while the disk is full.
 */
export class HeldPacks {
  private packs: StoredPack[] = [];
  private heldBytes = 0;
  private nextId = -1;

  /** Takes a new pack into memory under a fresh negative id. */
  hold(pack: NewPack): StoredPack {
    const held = { ...pack, id: this.nextId-- };
    this.packs.push(held);
    this.heldBytes += pack.payload.length;
    return held;
  }

  get size(): number {
    return this.packs.length;
  }

  /** Payload bytes held, for the node status. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Readings held, for the count of what a stop loses. */
  get readings(): number {
    return this.packs.reduce((sum, pack) => sum + pack.readings, 0);
  }

  /** Held packs that `skip` does not exclude, oldest first. */
  select(skip: (id: number) => boolean): StoredPack[] {
    return this.packs.filter((pack) => !skip(pack.id));
  }

  /** The oldest held pack that `skip` does not exclude. */
  first(skip: (id: number) => boolean): StoredPack | undefined {
    return this.packs.find((pack) => !skip(pack.id));
  }

  /** Forgets packs (written to disk, acknowledged, or dropped); returns those it held. */
  remove(ids: ReadonlySet<number>): StoredPack[] {
    const removed: StoredPack[] = [];
    this.packs = this.packs.filter((pack) => {
      if (!ids.has(pack.id)) return true;
      removed.push(pack);
      this.heldBytes -= pack.payload.length;
      return false;
    });
    return removed;
  }

  /** Removes and returns the oldest packs beyond the bounds, except those `keep` protects (in flight). */
  overflow(keep: (id: number) => boolean): StoredPack[] {
    let packs = this.packs.length;
    let bytes = this.heldBytes;
    const victims = new Set<number>();
    for (const pack of this.packs) {
      if (packs <= HELD_PACKS_LIMIT && bytes <= HELD_BYTES_LIMIT) break;
      if (keep(pack.id)) continue;
      victims.add(pack.id);
      packs--;
      bytes -= pack.payload.length;
    }
    return victims.size > 0 ? this.remove(victims) : [];
  }
}
