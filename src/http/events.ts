/**
 * `/events`: server-sent events for the page. On connect the snapshot and the history, then
 * a snapshot at most once a second when something changed, readings batched at most every
 * 250 ms, and a comment every 15 s so proxies and phones keep the connection. The view is
 * followed, and the timers run, only while some page is connected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeView, ReadingEvent } from './view.js';

export interface EventStreamLimits {
  /** Concurrent pages; more get 503. */
  readonly maxClients: number;
  /** A client whose unsent data grows past this is dropped: a stalled phone must not grow the node's memory. */
  readonly maxBufferedBytes: number;
  readonly snapshotIntervalMs: number;
  readonly readingsIntervalMs: number;
  readonly pingIntervalMs: number;
}

export const defaultEventStreamLimits: EventStreamLimits = { maxClients: 16, maxBufferedBytes: 1024 * 1024, snapshotIntervalMs: 1000, readingsIntervalMs: 250, pingIntervalMs: 15_000 };

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private unsubscribe: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  /** The newest reading of each sensor since the last batch, keyed `board/name`. */
  private pendingReadings = new Map<string, ReadingEvent>();
  private changed = false;

  constructor(
    private readonly view: NodeView,
    private readonly limits: EventStreamLimits = defaultEventStreamLimits,
  ) {}

  /** Pages connected now. */
  get size(): number {
    return this.clients.size;
  }

  /** Answers a GET /events: the stream, or 503 when too many pages are connected. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (this.clients.size >= this.limits.maxClients) {
      response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '10' });
      response.end(`too many event streams (at most ${this.limits.maxClients}): close another page\n`);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // No idle timeout on a stream that is quiet between pings.
    request.socket.setTimeout(0);
    request.socket.setNoDelay(true);
    this.clients.add(response);
    response.on('close', () => this.remove(response));
    if (this.clients.size === 1) this.follow();
    this.send(response, 'snapshot', this.view.snapshot());
    this.send(response, 'history', this.view.history());
  };

  /** Ends every stream (the server is stopping, or the node): pages reconnect by themselves. */
  closeAll(): void {
    for (const client of [...this.clients]) {
      client.end();
      client.destroy();
      this.remove(client);
    }
  }

  private follow(): void {
    this.unsubscribe = [
      this.view.onReadings((readings) => {
        for (const reading of readings) this.pendingReadings.set(`${reading.board}/${reading.name}`, reading);
      }),
      this.view.onChange(() => {
        this.changed = true;
      }),
    ];
    this.changed = false;
    this.pendingReadings.clear();
    const every = (intervalMs: number, action: () => void) => {
      const timer = setInterval(action, intervalMs);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.limits.readingsIntervalMs, () => {
      if (this.pendingReadings.size === 0) return;
      // A page plots a few points a second at most: a burst of thousands (a backlog, a bench)
      // would otherwise fill every client's buffer past its bound and get fast clients dropped.
      const readings = [...this.pendingReadings.values()];
      this.pendingReadings.clear();
      this.broadcast('readings', readings);
    });
    every(this.limits.snapshotIntervalMs, () => {
      if (!this.changed) return;
      this.changed = false;
      this.broadcast('snapshot', this.view.snapshot());
    });
    every(this.limits.pingIntervalMs, () => {
      for (const client of [...this.clients]) this.write(client, ': ping\n\n');
    });
  }

  private remove(client: ServerResponse): void {
    if (!this.clients.delete(client) || this.clients.size > 0) return;
    for (const stop of this.unsubscribe) stop();
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribe = [];
    this.timers = [];
    this.pendingReadings.clear();
  }

  private broadcast(event: string, data: unknown): void {
    // Serialised once for every client.
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of [...this.clients]) this.write(client, frame);
  }

  private send(client: ServerResponse, event: string, data: unknown): void {
    this.write(client, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(client: ServerResponse, frame: string): void {
    if (client.destroyed) return;
    client.write(frame);
    if (client.writableLength > this.limits.maxBufferedBytes) {
      // The client reads slower than the node writes: drop it rather than buffer without bound.
      client.destroy();
      this.remove(client);
    }
  }
}
