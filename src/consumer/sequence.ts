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
  /** Every number up to here has been seen (or given up as lost). */
  private contiguous = 0;
  /** Numbers given up on: missing while `maxPending` later ones arrived. */
  private lostCount = 0;
  /** Numbers seen above `contiguous`: what arrived out of order. */
  private readonly above = new Set<number>();
  private highest = 0;

  /**
   * @param maxPending how many numbers may wait above a hole before the hole is declared lost:
   * a pack the node dropped (a full outbox) never comes, and memory must not grow for it.
   */
  constructor(private readonly maxPending = 100_000) {}

  /** Records `seq`; returns whether it is new, the hole it opens, and holes given up as lost. */
  accept(seq: number): { fresh: boolean; opened?: SequenceGap; lost?: SequenceGap[] } {
    if (seq <= this.contiguous || this.above.has(seq)) return { fresh: false };
    const opened = seq > this.highest + 1 ? { from: this.highest + 1, to: seq - 1 } : undefined;
    this.highest = Math.max(this.highest, seq);
    this.above.add(seq);
    this.advance();
    const lost = this.above.size > this.maxPending ? this.giveUpOldestHole() : undefined;
    return { fresh: true, ...(opened ? { opened } : {}), ...(lost ? { lost: [lost] } : {}) };
  }

  /** How many numbers were given up as lost. */
  get lost(): number {
    return this.lostCount;
  }

  private advance(): void {
    while (this.above.delete(this.contiguous + 1)) this.contiguous++;
  }

  private giveUpOldestHole(): SequenceGap {
    let next = this.contiguous + 1;
    while (!this.above.has(next)) next++;
    const gap = { from: this.contiguous + 1, to: next - 1 };
    this.lostCount += gap.to - gap.from + 1;
    this.contiguous = next - 1;
    this.advance();
    return gap;
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
