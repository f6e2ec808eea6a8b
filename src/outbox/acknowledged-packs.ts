/**
 * Stored packs the node is done with (the broker acknowledged them, or refused them for good)
 * whose rows are still on disk: removed with the next write's transaction, not one of their
 * own (see REMOVAL_DELAY_MS in forwarder.ts). What they hold is kept here so that the backlog
 * the node reports leaves them out: they are not waiting to be sent.
 */
export class AcknowledgedPacks {
  private readonly packs = new Map<number, { readonly readings: number; readonly bytes: number }>();
  private readingsTotal = 0;
  private bytesTotal = 0;

  add(id: number, readings: number, bytes: number): void {
    if (this.packs.has(id)) return;
    this.packs.set(id, { readings, bytes });
    this.readingsTotal += readings;
    this.bytesTotal += bytes;
  }

  has(id: number): boolean {
    return this.packs.has(id);
  }

  get size(): number {
    return this.packs.size;
  }

  ids(): number[] {
    return [...this.packs.keys()];
  }

  /** Forgets packs whose rows were removed. */
  removed(ids: readonly number[]): void {
    for (const id of ids) {
      const pack = this.packs.get(id);
      if (!pack) continue;
      this.packs.delete(id);
      this.readingsTotal -= pack.readings;
      this.bytesTotal -= pack.bytes;
    }
  }

  /** What the outbox holds beyond the waiting backlog: subtracted from its totals. */
  totals(): { packs: number; readings: number; bytes: number } {
    return { packs: this.packs.size, readings: this.readingsTotal, bytes: this.bytesTotal };
  }
}
