import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OutboxState } from './view.js';

/** Above this share of its bound, an outbox with no broker behind it counts as full. */
const FULL_SHARE = 0.95;

/**
 * Why the node is not ready to take readings without losing any, or undefined when it is:
 * the outbox must be open, and either the broker connected or the outbox taking packs with
 * room left (a node riding out an outage is ready; one about to drop readings is not).
 */
export function notReadyReason(state: OutboxState): string | undefined {
  if (!state.open) return 'the outbox is closed (the node is not running)';
  if (state.connected) return undefined;
  if (state.heldPacks > 0) return 'broker not connected and the disk refuses outbox writes';
  if (state.bytes >= state.maxBytes * FULL_SHARE) return `broker not connected and the outbox is full (${state.bytes} of ${state.maxBytes} bytes)`;
  return undefined;
}

/**
 * Measures how late the event loop runs: a timer that should fire every interval, and how
 * much later it fired. Unref'd, so it never keeps the process alive.
 */
export class LoopLag {
  private timer: NodeJS.Timeout | undefined;
  private lastMs = 0;
  private expectedAt = 0;

  constructor(private readonly intervalMs = 500) {}

  /** The last measured lag in milliseconds. */
  get ms(): number {
    return this.lastMs;
  }

  start(): void {
    if (this.timer) return;
    this.expectedAt = performance.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lastMs = Math.max(0, Math.round(now - this.expectedAt));
      this.expectedAt = now + this.intervalMs;
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** `/healthz`: the answer itself proves the event loop runs; the lag says how well. */
export function healthRoute(lag: LoopLag): (request: IncomingMessage, response: ServerResponse) => void {
  return (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`ok\nevent loop lag: ${lag.ms} ms\n`);
  };
}

/** `/readyz`: 200 `ready`, or 503 with the reason on one line. */
export function readyRoute(state: () => OutboxState): (request: IncomingMessage, response: ServerResponse) => void {
  return (_request, response) => {
    const reason = notReadyReason(state());
    response.writeHead(reason ? 503 : 200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(reason ? `not ready: ${reason}\n` : 'ready\n');
  };
}
