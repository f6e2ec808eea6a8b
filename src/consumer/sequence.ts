/** A run of sequence numbers not (yet) received. */
export interface SequenceGap {
  readonly from: number;
  readonly to: number;
}

/**
 * Tracks the sequence numbers of one node's boot: tells new from duplicate and finds holes.
 * Numbers may arrive out of order (a backlog drains behind fresh packs), so a hole is only
 * "missing so far"; it closes when the late packs arrive.
 */
export class SequenceTracker {
  /** Every number up to here has been seen. */
  private contiguous = 0;
  /** Numbers seen above `contiguous`: what arrived out of order. */
  private readonly above = new Set<number>();
  private highest = 0;

  /** Records `seq`; returns whether it is new, and the hole it opens, if any. */
  accept(seq: number): { fresh: boolean; opened?: SequenceGap } {
    if (seq <= this.contiguous || this.above.has(seq)) return { fresh: false };
    const opened = seq > this.highest + 1 ? { from: this.highest + 1, to: seq - 1 } : undefined;
    this.highest = Math.max(this.highest, seq);
    this.above.add(seq);
    while (this.above.delete(this.contiguous + 1)) this.contiguous++;
    return opened ? { fresh: true, opened } : { fresh: true };
  }

  /** The holes below the highest number seen. */
  missing(): SequenceGap[] {
    const gaps: SequenceGap[] = [];
    let from: number | undefined;
    for (let seq = this.contiguous + 1; seq <= this.highest; seq++) {
      const seen = this.above.has(seq);
      if (!seen && from === undefined) from = seq;
      if (seen && from !== undefined) {
        gaps.push({ from, to: seq - 1 });
        from = undefined;
      }
    }
    return gaps;
  }

  get highestSeen(): number {
    return this.highest;
  }
}
