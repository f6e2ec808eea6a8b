/**
 * Which packs have been delivered, by (site, node, boot, seq). A consumer alone remembers
 * them in memory; consumers sharing one subscription group must share the store, so that a
 * pack the broker gives to two of them (a node resending after an outage, a redelivery after
 * a consumer dropped) reaches the application once.
 */

/** A pack's identity: the same pack resent by its node has the same one. */
export interface PackIdentity {
  readonly site: string;
  readonly node: string;
  readonly boot: number;
  readonly seq: number;
}

/** Idempotent record of delivered packs, shared by every consumer of a group. */
export interface SeenStore {
  /** Records the pack; true only for the first caller, across every consumer sharing the store. */
  firstSighting(pack: PackIdentity): boolean;
  close(): void;
}

/** Packs remembered per node and boot in this process only: for consumers of one process. */
export class MemorySeenStore implements SeenStore {
  private readonly seen = new Map<string, Set<number>>();

  firstSighting({ site, node, boot, seq }: PackIdentity): boolean {
    const key = `${site}\u0000${node}\u0000${boot}`;
    let numbers = this.seen.get(key);
    if (!numbers) this.seen.set(key, (numbers = new Set()));
    if (numbers.has(seq)) return false;
    numbers.add(seq);
    return true;
  }

  close(): void {
    this.seen.clear();
  }
}
