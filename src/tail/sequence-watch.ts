/**
 * Gaps and duplicates as a live tail can judge them. A tail joins a node mid-boot: the first
 * pack it sees of a (node, boot) is its starting point, not the end of a hole since 1, so
 * numbers are tracked relative to it. Packs numbered below it (a backlog draining after the
 * tail started) are shown but cannot be checked.
 */
import { SequenceTracker, type SequenceGap } from '../consumer/sequence.js';

/** What one pack's number says. */
export interface SequenceVerdict {
  /** False for a pack seen before (delivery is at least once). */
  readonly fresh: boolean;
  /** The numbers skipped just before this one, in the node's own numbering. */
  readonly opened?: SequenceGap;
}

/** Boots remembered per node; older ones are forgotten, as the consumer does. */
const BOOTS_PER_NODE = 8;

interface Watched {
  readonly start: number;
  readonly tracker: SequenceTracker;
}

/** Tracks the sequence of every (site, node, boot) a tail sees. */
export class SequenceWatch {
  private readonly watched = new Map<string, Watched>();

  accept(site: string, node: string, boot: number, seq: number): SequenceVerdict {
    const nodeKey = `${site}\u0000${node}\u0000`;
    let entry = this.watched.get(`${nodeKey}${boot}`);
    if (!entry) {
      entry = { start: seq, tracker: new SequenceTracker() };
      this.watched.set(`${nodeKey}${boot}`, entry);
      this.forgetOldBoots(nodeKey);
    }
    if (seq < entry.start) return { fresh: true };
    // Shifted so that the first pack seen is number 1 for the tracker.
    const shift = entry.start - 1;
    const outcome = entry.tracker.accept(seq - shift);
    if (!outcome.fresh) return { fresh: false };
    return outcome.opened ? { fresh: true, opened: { from: outcome.opened.from + shift, to: outcome.opened.to + shift } } : { fresh: true };
  }

  private forgetOldBoots(nodeKey: string): void {
    const boots = [...this.watched.keys()].filter((key) => key.startsWith(nodeKey)).map((key) => Number(key.slice(nodeKey.length)));
    if (boots.length > BOOTS_PER_NODE) this.watched.delete(`${nodeKey}${Math.min(...boots)}`);
  }
}
