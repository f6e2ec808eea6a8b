/**
 * The consumer helper: subscribes to fieldnode topics, decodes SenML-CBOR packs, drops
 * duplicates by (node, boot epoch, sequence) and reports gaps. Delivery is at least once;
 * this turns it into exactly once per pack for the application.
 */
import { decodeMessage, type ResolvedRecord } from '../codec/index.js';
import { FieldnodeError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { FloatEncodingsFromBirths } from '../uplink/birth.js';
import { subscribe, type SubscribeOptions, type Subscription } from '../uplink/subscriber.js';
import { SequenceTracker, type SequenceGap } from './sequence.js';
import type { SeenStore } from './seen-store.js';

/** A data pack, once, with where it came from. */
export interface ConsumedPack {
  readonly site: string;
  readonly node: string;
  readonly board: string;
  readonly boot: number;
  readonly seq: number;
  /** Sent late (after an outage or a restart), not as it happened. */
  readonly historical: boolean;
  readonly records: ResolvedRecord[];
}

/** A birth or status message (JSON), of a node (`board` undefined) or of a board. */
export interface SessionMessage {
  readonly kind: 'birth' | 'status';
  readonly site: string;
  readonly node: string;
  readonly board?: string | undefined;
  readonly body: Record<string, unknown>;
  readonly retained: boolean;
}

export interface ConsumerOptions extends SubscribeOptions {
  readonly prefix?: string;
  readonly logger?: Logger;
  readonly onPack: (pack: ConsumedPack) => void;
  /** A hole opened in a node's sequence: packs missing so far (they may still arrive late). */
  readonly onGap?: (gap: SequenceGap & { site: string; node: string; boot: number }) => void;
  /** A hole given up on: too many later packs arrived while it stayed open (dropped at the node). */
  readonly onLost?: (gap: SequenceGap & { site: string; node: string; boot: number }) => void;
  readonly onSession?: (message: SessionMessage) => void;
  /**
   * How to read the floats of nodes whose birth has not said (`compact` for nodes configured
   * with `encoding: { floats: compact }` that were born before this consumer subscribed and whose
   * retained birth is gone). A node's birth, when it arrives, decides for that node.
   */
  readonly floats?: 'exact' | 'compact';
  /**
   * Join an MQTT 5 shared subscription group (`$share/<group>/...`): the broker hands each data
   * pack to one consumer of the group, and `seen` (shared by every consumer of the group: a
   * SqliteSeenStore on one file) makes a pack the broker gives twice reach the application once.
   * Each consumer sees only its share of a node's sequence, so gaps are not reported (onGap,
   * onLost, missing()); births and statuses still reach every consumer.
   */
  readonly shared?: { readonly group: string; readonly seen: SeenStore };
}

export interface ConsumerStats {
  packs: number;
  duplicates: number;
  undecodable: number;
  lost: number;
}

/** A group name is one topic level: no `/`, `+` or `#` (MQTT 5, 4.8.2). */
function sharedFilter(group: string, filter: string): string {
  if (group === '' || /[/+#]/.test(group)) throw new FieldnodeError(`a shared subscription group is one topic level without "/", "+" or "#", not "${group}"`, 'USAGE');
  return `$share/${group}/${filter}`;
}

/** Boots tracked per node; older ones are forgotten (their late packs then count as new). */
const BOOTS_PER_NODE = 8;

/** Subscribes to every fieldnode node under a prefix. */
export class FieldnodeConsumer {
  readonly stats: ConsumerStats = { packs: 0, duplicates: 0, undecodable: 0, lost: 0 };
  private readonly trackers = new Map<string, SequenceTracker>();
  private subscription: Subscription | undefined;
  private readonly logger: Logger;
  private readonly encodings: FloatEncodingsFromBirths;

  private constructor(private readonly options: ConsumerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.encodings = new FloatEncodingsFromBirths(options.floats);
  }

  static async connect(url: string, options: ConsumerOptions): Promise<FieldnodeConsumer> {
    const consumer = new FieldnodeConsumer(options);
    const prefix = options.prefix ?? 'fieldnode';
    const data = `${prefix}/+/+/+/data`;
    // Births and statuses stay plain subscriptions: every consumer needs a node's birth (its float encoding), and retained messages never reach a shared one.
    const filters = [options.shared ? sharedFilter(options.shared.group, data) : data, `${prefix}/+/+/birth`, `${prefix}/+/+/status`, `${prefix}/+/+/+/birth`, `${prefix}/+/+/+/status`];
    // Shared subscriptions are MQTT 5: no fallback to 3.1.1, where `$share/...` would be an ordinary topic.
    const subscribeOptions = options.shared ? { ...options, protocol: '5' as const } : options;
    consumer.subscription = await subscribe(url, filters, ({ topic, payload, retained }) => consumer.receive(topic, payload, retained), consumer.logger, subscribeOptions);
    return consumer;
  }

  /** Sequence numbers missing so far, per node and boot. */
  missing(): { site: string; node: string; boot: number; gaps: SequenceGap[] }[] {
    return [...this.trackers].map(([key, tracker]) => {
      const [site, node, boot] = key.split('\u0000') as [string, string, string];
      return { site, node, boot: Number(boot), gaps: tracker.missing() };
    });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }

  private receive(topic: string, payload: Buffer, retained: boolean): void {
    const levels = topic.split('/');
    const kind = levels.at(-1);
    if (kind === 'data' && levels.length === 5) this.receiveData(levels[1]!, levels[2]!, levels[3]!, payload);
    else if ((kind === 'birth' || kind === 'status') && (levels.length === 4 || levels.length === 5)) this.receiveSession(kind, levels, payload, retained);
  }

  private receiveData(site: string, node: string, board: string, payload: Buffer): void {
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(payload, { floats: this.encodings.floatsOf(site, node) });
    } catch (error) {
      this.stats.undecodable++;
      this.logger.warn({ site, node, board }, `undecodable pack: ${(error as Error).message}`);
      return;
    }
    if (!message.session) {
      // Without session fields there is nothing to deduplicate by: deliver as it comes.
      this.stats.packs++;
      this.options.onPack({ site, node, board, boot: 0, seq: 0, historical: message.historical, records: message.records });
      return;
    }
    const { boot, seq } = message.session;
    const shared = this.options.shared;
    if (shared) {
      if (!shared.seen.firstSighting({ site, node, boot, seq })) {
        this.stats.duplicates++;
        return;
      }
      this.stats.packs++;
      this.options.onPack({ site, node, board, boot, seq, historical: message.historical, records: message.records });
      return;
    }
    const tracker = this.trackerFor(site, node, boot);
    const outcome = tracker.accept(seq);
    if (!outcome.fresh) {
      this.stats.duplicates++;
      return;
    }
    if (outcome.opened) this.options.onGap?.({ site, node, boot, ...outcome.opened });
    for (const gap of outcome.lost ?? []) {
      this.stats.lost += gap.to - gap.from + 1;
      this.options.onLost?.({ site, node, boot, ...gap });
    }
    this.stats.packs++;
    this.options.onPack({ site, node, board, boot, seq, historical: message.historical, records: message.records });
  }

  private trackerFor(site: string, node: string, boot: number): SequenceTracker {
    const key = `${site}\u0000${node}\u0000${boot}`;
    const existing = this.trackers.get(key);
    if (existing) return existing;
    const tracker = new SequenceTracker();
    this.trackers.set(key, tracker);
    // A node that reboots every day must not leave a tracker per boot behind forever.
    const nodePrefix = `${site}\u0000${node}\u0000`;
    const boots = [...this.trackers.keys()].filter((other) => other.startsWith(nodePrefix)).map((other) => Number(other.slice(nodePrefix.length)));
    if (boots.length > BOOTS_PER_NODE) this.trackers.delete(`${nodePrefix}${Math.min(...boots)}`);
    return tracker;
  }

  private receiveSession(kind: 'birth' | 'status', levels: string[], payload: Buffer, retained: boolean): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      this.stats.undecodable++;
      return;
    }
    if (body === null || typeof body !== 'object') return;
    if (kind === 'birth' && levels.length === 4) this.encodings.learn(levels[1]!, levels[2]!, body as Record<string, unknown>);
    this.options.onSession?.({ kind, site: levels[1]!, node: levels[2]!, board: levels.length === 5 ? levels[3] : undefined, body: body as Record<string, unknown>, retained });
  }
}
