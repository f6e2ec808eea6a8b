/**
 * When a node under systemd's watchdog may say it is alive. The timer that asks proves the
 * event loop runs (a blocked loop never asks, and systemd restarts the node); the samples
 * prove the pipeline moves. A node is wedged, and stops pinging, only when for longer than
 * the watchdog interval its boards produced nothing and its forwarder sat on packs it could
 * send: a broker outage, or nothing to send, is waiting, not wedged, and a restart would not
 * help it. Pure: time comes from the injected Clock.
 */
import type { Clock, TimerHandle } from '../core/clock.js';

/** The counters the decision reads, sampled from the node at each tick. */
export interface PipelineSample {
  /** Readings produced by all boards since start. */
  readonly readings: number;
  /** Anything the forwarder did: packs submitted, acknowledged or dropped since start. */
  readonly forwarded: number;
  /** Packs waiting to be sent (backlog on disk and packs held in memory). */
  readonly pending: number;
  /** Whether the broker connection is up: without it, pending packs can only wait. */
  readonly connected: boolean;
}

/**
 * Whether the pipeline did its job between two samples: it produced or forwarded something,
 * or it had nothing it could do (nothing pending, or no broker to send to while the outbox
 * keeps accepting what the boards produce).
 */
export function madeProgress(previous: PipelineSample, current: PipelineSample): boolean {
  if (current.readings !== previous.readings || current.forwarded !== previous.forwarded) return true;
  return current.pending === 0 || !current.connected;
}

/** What the watchdog needs. */
export interface WatchdogOptions {
  readonly clock: Clock;
  /** systemd's WatchdogSec in ms (WATCHDOG_USEC / 1000): pings come every half of it. */
  readonly intervalMs: number;
  readonly sample: () => PipelineSample;
  readonly ping: () => void;
  /** Told once when the node stops pinging, with why; and once more when it recovers. */
  readonly onWedged?: (stalledForMs: number, sample: PipelineSample) => void;
  readonly onRecovered?: () => void;
}

/** Pings every half interval while the pipeline makes progress. */
export class ProgressWatchdog {
  private timer: TimerHandle | undefined;
  private last: PipelineSample | undefined;
  private lastProgressAt = 0;
  private wedged = false;

  constructor(private readonly options: WatchdogOptions) {}

  /** Takes the first sample (a fresh start counts as progress); the first ping comes half an interval later. */
  start(): void {
    if (this.timer) return;
    this.last = this.options.sample();
    this.lastProgressAt = this.options.clock.monotonic();
    this.schedule();
  }

  stop(): void {
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One decision: sample, and ping unless the pipeline has been stalled for a whole interval. */
  tick(): void {
    const { clock, intervalMs } = this.options;
    const current = this.options.sample();
    const now = clock.monotonic();
    if (this.last === undefined || madeProgress(this.last, current)) this.lastProgressAt = now;
    this.last = current;
    const stalledForMs = now - this.lastProgressAt;
    if (stalledForMs < intervalMs) {
      if (this.wedged) this.options.onRecovered?.();
      this.wedged = false;
      this.options.ping();
      return;
    }
    if (!this.wedged) this.options.onWedged?.(stalledForMs, current);
    this.wedged = true;
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.tick();
      this.schedule();
    }, this.options.intervalMs / 2);
  }
}
