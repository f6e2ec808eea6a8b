/**
 * One question at a time to a device that only speaks when asked (an MH-Z19, the slaves of a
 * Modbus bus): send the request, wait for its answer up to a timeout, try again if allowed,
 * then settle and let the caller ask the next one. A half-duplex line carries one exchange
 * at a time, so a second request while one is in flight is refused rather than queued: the
 * caller decides whether that is an overrun or a skipped turn.
 *
 * Every wait runs on the injected Clock, so tests drive the whole exchange with a
 * VirtualClock. Counting problems stays with the caller, which knows the protocol's words for
 * them; this only says when an attempt went unanswered and when the exchange is over.
 */
import type { Clock, TimerHandle } from '../core/clock.js';

/** How an exchange ended: a sound answer, an unusable one on the last attempt, or silence on the last attempt. */
export type Settlement = 'answered' | 'failed' | 'timed-out';

/** The timing of an exchange and what the protocol does at each step. */
export interface RequestResponseOptions<Request> {
  readonly clock: Clock;
  /** How long one attempt waits for its answer. */
  readonly timeoutMs: number;
  /** Further attempts after a timeout or an unusable answer; 0 (the default) asks once. */
  readonly retries?: number | undefined;
  /** Quiet before a retry, for a bus that needs silence between frames; 0 resends at once. */
  readonly retryDelayMs?: number | undefined;
  /** Puts the request on the line; `attempt` counts from 1. Start parsing the answer afresh here. */
  send(request: Request, attempt: number): void;
  /** The timer ran out: last chance to take an answer held in a buffer, by calling `answered()`. */
  beforeTimeout?(request: Request, attempt: number): void;
  /** An attempt went unanswered (count it here); a retry or the settlement follows. */
  onTimeout(request: Request, attempt: number): void;
  /** The exchange is over, however it ended: the line is free for the next request. */
  onSettled?(request: Request, how: Settlement): void;
}

interface InFlight<Request> {
  readonly request: Request;
  attempt: number;
  /** True while the attempt's answer may come; false in the pause before a retry. */
  listening: boolean;
}

/** At most one request in flight, its answer timeout, and its retries, all on the injected clock. */
export class RequestResponse<Request> {
  private inFlight: InFlight<Request> | undefined;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: RequestResponseOptions<Request>) {}

  /** The request in flight, if any (also during the pause before its retry). */
  get pending(): Request | undefined {
    return this.inFlight?.request;
  }

  /** Whether an answer arriving now would answer the attempt on the line. */
  get listening(): boolean {
    return this.inFlight?.listening ?? false;
  }

  /** Sends `request` unless one is already in flight; false means it was not sent. */
  request(request: Request): boolean {
    if (this.inFlight) return false;
    this.inFlight = { request, attempt: 0, listening: false };
    this.attempt(this.inFlight);
    return true;
  }

  /**
   * A sound answer arrived: the exchange is over. Returns the request it answers, or undefined
   * when nothing was listening (an answer after its timeout, or noise that looked like one),
   * which the caller should not take as the answer to anything it asked.
   */
  answered(): Request | undefined {
    const inFlight = this.inFlight;
    if (!inFlight?.listening) return undefined;
    this.settle(inFlight, 'answered');
    return inFlight.request;
  }

  /** An unusable answer arrived (bad checksum): retry if attempts remain, else settle as failed. */
  failed(): Request | undefined {
    const inFlight = this.inFlight;
    if (!inFlight?.listening) return undefined;
    this.retryOrSettle(inFlight, 'failed');
    return inFlight.request;
  }

  /** Forgets the request in flight and cancels its timer, without settling it; safe to call twice. */
  stop(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight = undefined;
  }

  private attempt(inFlight: InFlight<Request>): void {
    inFlight.attempt += 1;
    inFlight.listening = true;
    // The timer is set before the write, so an answer handled during `send` finds it to cancel.
    this.timer = this.options.clock.setTimeout(() => this.expire(inFlight), this.options.timeoutMs);
    this.options.send(inFlight.request, inFlight.attempt);
  }

  private expire(inFlight: InFlight<Request>): void {
    this.timer = undefined;
    this.options.beforeTimeout?.(inFlight.request, inFlight.attempt);
    // Answered from the buffer at the last moment, or stopped meanwhile.
    if (this.inFlight !== inFlight || !inFlight.listening) return;
    this.options.onTimeout(inFlight.request, inFlight.attempt);
    if (this.inFlight !== inFlight) return;
    this.retryOrSettle(inFlight, 'timed-out');
  }

  private retryOrSettle(inFlight: InFlight<Request>, how: Exclude<Settlement, 'answered'>): void {
    const { clock, retries = 0, retryDelayMs = 0 } = this.options;
    clock.clearTimeout(this.timer);
    this.timer = undefined;
    inFlight.listening = false;
    if (inFlight.attempt > retries) {
      this.settle(inFlight, how);
      return;
    }
    if (retryDelayMs <= 0) {
      this.attempt(inFlight);
      return;
    }
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      if (this.inFlight === inFlight) this.attempt(inFlight);
    }, retryDelayMs);
  }

  private settle(inFlight: InFlight<Request>, how: Settlement): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    inFlight.listening = false;
    this.inFlight = undefined;
    this.options.onSettled?.(inFlight.request, how);
  }
}
