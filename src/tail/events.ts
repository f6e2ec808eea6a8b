/**
 * Turns what the broker delivers under a selection into the events a tail shows: readings,
 * births, status changes, gaps and duplicates in a node's sequence, and packs that cannot be
 * read. Pure: no connection, no output, time given by the caller.
 */
import { decodeMessage, type ResolvedRecord } from '../codec/index.js';
import { FloatEncodingsFromBirths } from '../uplink/birth.js';
import type { ReceivedMessage } from '../uplink/subscriber.js';
import { showsBoard, showsRecord, type TailSelection } from './filter.js';
import { SequenceWatch } from './sequence-watch.js';
import { readStatus, statusSignature, type StatusView } from './status.js';

/** Where an event comes from: a node, or one of its boards. */
export interface EventSource {
  readonly site: string;
  readonly node: string;
  readonly board?: string | undefined;
}

/** One reading of a pack, once (duplicates are reported instead). */
export interface ReadingEvent extends EventSource {
  readonly kind: 'reading';
  readonly board: string;
  readonly record: ResolvedRecord;
  readonly boot?: number | undefined;
  readonly seq?: number | undefined;
  /** Sent late (a backlog after an outage or a restart), not as it happened. */
  readonly historical: boolean;
}

/** A node's or a board's birth, as published. */
export interface BirthEvent extends EventSource {
  readonly kind: 'birth';
  readonly body: Record<string, unknown>;
  /** Stored by the broker before the tail joined: the last one published, not news. */
  readonly retained: boolean;
}

/** A node's or a board's status, when it says something new. */
export interface StatusEvent extends EventSource {
  readonly kind: 'status';
  readonly status: StatusView;
  readonly body: Record<string, unknown>;
  readonly retained: boolean;
}

/** Packs of a node's boot that were skipped: numbered per node, noticed at a board's pack. */
export interface GapEvent extends EventSource {
  readonly kind: 'gap';
  readonly board: string;
  readonly boot: number;
  readonly from: number;
  readonly to: number;
  /** The pack that revealed the gap. */
  readonly seq: number;
}

/** A pack delivered again (at least once delivery): its readings are not shown twice. */
export interface DuplicateEvent extends EventSource {
  readonly kind: 'duplicate';
  readonly board: string;
  readonly boot: number;
  readonly seq: number;
}

/** A message under the selection that is not what its topic promises. */
export interface UndecodableEvent {
  readonly kind: 'undecodable';
  readonly topic: string;
  readonly error: string;
}

export type TailEvent = ReadingEvent | BirthEvent | StatusEvent | GapEvent | DuplicateEvent | UndecodableEvent;

/** Decodes messages into events, remembering what it needs to tell news from repetition. */
export class TailDecoder {
  private readonly sequences = new SequenceWatch();
  /** The last status shown per node or board, so a periodic status that says nothing new is not. */
  private readonly shownStatus = new Map<string, string>();
  /** Each node's float encoding, as its birth says; `floats` for nodes not heard of yet. */
  private readonly encodings: FloatEncodingsFromBirths;

  constructor(
    private readonly selection: TailSelection,
    options: { floats?: 'exact' | 'compact' } = {},
  ) {
    this.encodings = new FloatEncodingsFromBirths(options.floats);
  }

  /** The events one message makes (none, when it is filtered out or says nothing new). */
  receive(message: ReceivedMessage): TailEvent[] {
    const levels = message.topic.split('/');
    const kind = levels.at(-1);
    if (levels.length === 5 && kind === 'data') return this.data({ site: levels[1]!, node: levels[2]!, board: levels[3]! }, message);
    if ((levels.length === 4 || levels.length === 5) && (kind === 'birth' || kind === 'status')) {
      const source = { site: levels[1]!, node: levels[2]!, board: levels.length === 5 ? levels[3] : undefined };
      if (source.board !== undefined && !showsBoard(this.selection, source.board)) return [];
      return this.session(kind, source, message);
    }
    return [];
  }

  private data(source: EventSource & { board: string }, message: ReceivedMessage): TailEvent[] {
    let decoded: ReturnType<typeof decodeMessage>;
    try {
      decoded = decodeMessage(message.payload, { floats: this.encodings.floatsOf(source.site, source.node) });
    } catch (error) {
      return showsBoard(this.selection, source.board) ? [{ kind: 'undecodable', topic: message.topic, error: (error as Error).message }] : [];
    }
    const events: TailEvent[] = [];
    const session = decoded.session;
    if (session) {
      const verdict = this.sequences.accept(source.site, source.node, session.boot, session.seq);
      if (!verdict.fresh) return showsBoard(this.selection, source.board) ? [{ kind: 'duplicate', ...source, ...session }] : [];
      // A gap is the node's, whichever board's pack reveals it: the missing packs may be of any board.
      if (verdict.opened) events.push({ kind: 'gap', ...source, boot: session.boot, seq: session.seq, ...verdict.opened });
    }
    if (!showsBoard(this.selection, source.board)) return events;
    for (const record of decoded.records) {
      if (showsRecord(this.selection, record.name)) events.push({ kind: 'reading', ...source, record, boot: session?.boot, seq: session?.seq, historical: decoded.historical });
    }
    return events;
  }

  private session(kind: 'birth' | 'status', source: EventSource, message: ReceivedMessage): TailEvent[] {
    let body: unknown;
    try {
      body = JSON.parse(message.payload.toString('utf8'));
    } catch {
      return [{ kind: 'undecodable', topic: message.topic, error: `not JSON` }];
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return [{ kind: 'undecodable', topic: message.topic, error: 'not a JSON object' }];
    const fields = body as Record<string, unknown>;
    if (kind === 'birth' && source.board === undefined) this.encodings.learn(source.site, source.node, fields);
    if (kind === 'birth') return [{ kind: 'birth', ...source, body: fields, retained: message.retained }];
    const status = readStatus(fields);
    if (!status) return [{ kind: 'undecodable', topic: message.topic, error: 'a status without a state' }];
    const key = `${source.site}\u0000${source.node}\u0000${source.board ?? ''}`;
    const signature = statusSignature(status);
    if (this.shownStatus.get(key) === signature) return [];
    this.shownStatus.set(key, signature);
    return [{ kind: 'status', ...source, status, body: fields, retained: message.retained }];
  }
}
