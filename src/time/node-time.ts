/**
 * A node's time, put together: the trusted time and the node's clock on it, the NTP watch, the
 * broker time message, and the timeline that dates readings between the batcher and the encoder.
 */
import type { ClockConfig } from '../config/clock-schema.js';
import { SystemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { CorrectedClock } from '../core/corrected-clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { ProblemCounter } from '../core/problems.js';
import type { Reading } from '../core/reading.js';
import { TrustedTime, type ClockReport } from '../core/trusted-time.js';
import type { MqttUplink } from '../uplink/mqtt-uplink.js';
import { timeTopic } from '../uplink/topics.js';
import { buildDateMs } from './build-date.js';
import { receiveTimeMessage } from './broker-time.js';
import { systemNtpProbe, type NtpAnswer, type NtpProbe } from './ntp-status.js';
import { NtpWatch } from './ntp-watch.js';
import { Timeline, type Deliver } from './timeline.js';

export interface NodeTimeOptions {
  /** The machine's clock (virtual in tests). */
  readonly base: Clock;
  readonly logger: Logger;
  readonly config: ClockConfig;
  /**
   * Default: the kernel's state through timedatectl, systemd-timesyncd or chrony when `base` is
   * the machine's clock; for any other clock (virtual time) the kernel knows nothing, so none.
   */
  readonly probe?: NtpProbe | undefined;
  readonly buildDateMs?: number | undefined;
  /** Counts a problem against a board (held readings dropped). */
  readonly count: (board: string, kind: string, detail: string) => void;
}

/** A probe for a clock the kernel does not keep. */
const noProbe: NtpProbe = { read: async (): Promise<NtpAnswer> => ({ state: 'unknown' }) };

/** Nothing to watch: NTP is not an allowed source. */
const idle: Lifecycle = { start: async () => undefined, stop: async () => undefined };

export class NodeTime {
  readonly trusted: TrustedTime;
  /** The clock drivers and everything else of the node run on. */
  readonly clock: CorrectedClock;
  /** For messages about the node (birth, status, will): trusted time, or the machine's but never before the build date. */
  readonly wire: Clock;
  /** Dates readings between the batchers and the outbox: started before the boards, stopped after them. */
  readonly timeline: Timeline;
  /** Asks the machine whether NTP synchronised its clock: started first, before anything connects. */
  readonly ntp: Lifecycle;
  private readonly problems: ProblemCounter;

  constructor(private readonly options: NodeTimeOptions) {
    const { base, config } = options;
    const logger = options.logger.child({ component: 'clock' });
    this.trusted = new TrustedTime(base, logger, { buildDateMs: options.buildDateMs ?? buildDateMs(), sources: config.sources, brokerMaxStepMs: config.brokerMaxStepSeconds * 1000 });
    this.clock = new CorrectedClock(base, logger, this.trusted);
    this.problems = new ProblemCounter(logger, base);
    this.timeline = new Timeline({ time: this.trusted, clock: base, logger, policy: config, count: options.count });
    // The kernel knows only its own clock: for any other (virtual time) there is no way to tell, and nothing to warn about.
    const machine = base instanceof SystemClock;
    const probe = options.probe ?? (machine ? systemNtpProbe() : noProbe);
    this.ntp = config.sources.includes('ntp') ? new NtpWatch({ probe, time: this.trusted, clock: base, logger, announceUnknown: options.probe !== undefined || machine }) : idle;
    const trusted = this.trusted;
    this.wire = {
      now: () => (trusted.source !== undefined ? trusted.now() : Math.max(base.now(), trusted.buildDateMs)),
      monotonic: () => base.monotonic(),
      setTimeout: (callback: () => void, delayMs: number): TimerHandle => base.setTimeout(callback, delayMs),
      clearTimeout: (handle: TimerHandle | undefined) => base.clearTimeout(handle),
    };
  }

  /** The batcher's `onBatch` of a board: dates (or holds) its readings before `deliver` encodes them. */
  dating(board: string, deliver: Deliver): (readings: Reading[]) => void {
    return this.timeline.forBoard(board, deliver);
  }

  /** Takes the broker side's time messages on `uplink`, when the config allows that source. */
  listen(uplink: MqttUplink, prefix: string): void {
    if (!this.options.config.sources.includes('broker')) return;
    uplink.subscribe(timeTopic(prefix), (message) => {
      const { outcome, detail } = receiveTimeMessage(message, this.trusted);
      if (outcome !== 'accepted') this.problems.count(outcome, detail);
    });
  }

  /** Called when trust is gained, lost or corrected (to republish the status); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    return this.trusted.onChange(listener);
  }

  status(): ClockReport {
    return { ...this.trusted.status(), ...this.timeline.counts, problems: this.problems.snapshot() };
  }
}
