/**
 * When the node's wall clock can be believed, and what it says. A Pi without a real-time clock
 * boots in 1970 or at its last shutdown and may jump when NTP arrives; its monotonic clock runs
 * on undisturbed. So trust is kept as one offset, trusted wall time − monotonic time, learnt
 * from a trusted source: NTP (the machine's clock, once the kernel calls it synchronised), a
 * GPS fix, or a time message from the broker side. One offset dates every reading of a boot,
 * however long before the trust it was taken.
 */
import type { Clock } from './clock.js';
import { Listeners } from './listeners.js';
import type { Logger } from './logger.js';

/**
 * The build date when running from source (tests, tsx): the earliest date this code can be
 * running at. A built package records its real build time (see src/time/build-date.ts).
 */
export const SOURCE_BUILD_DATE_MS = Date.UTC(2026, 0, 1);

/** The machine's NTP state as the kernel reports it; `unknown`: the machine offers no way to tell. */
export type NtpState = 'synchronised' | 'unsynchronised' | 'unknown';

/** The sources a config may allow. */
export const TIME_SOURCES = ['ntp', 'gps', 'broker'] as const;
export type TimeSource = (typeof TIME_SOURCES)[number];

/** What the trust rests on: a source, or `machine` (no way to tell, and the machine clock reads after the build date). */
export type TrustSource = TimeSource | 'machine';

/** Which source may correct which: a source corrects one of its rank or below, and only logs its disagreement with a higher one. */
const RANK: Record<TrustSource, number> = { machine: 0, broker: 1, gps: 2, ntp: 3 };

/** Differences up to this are latency and drift, not a wrong clock (NTP slews them away). */
export const DEFAULT_JUMP_BOUND_MS = 2000;
/** The most a broker time message may move a trusted clock. */
export const DEFAULT_BROKER_MAX_STEP_MS = 300_000;

export interface TrustedTimeOptions {
  /** No wall clock before it is trusted (default: the source build date; a node passes the real one). */
  readonly buildDateMs?: number;
  /** Sources allowed to make the clock trusted (default all). */
  readonly sources?: readonly TimeSource[];
  readonly jumpBoundMs?: number;
  readonly brokerMaxStepMs?: number;
}

/** What an offered time did: set or corrected the clock, agreed with it, or was refused and why. */
export type OfferOutcome = 'set' | 'corrected' | 'agrees' | 'not-allowed' | 'before-build-date' | 'disagrees' | 'too-far';

/** The trust as the status reports it. */
export interface ClockStatus {
  readonly trusted: boolean;
  readonly source?: TrustSource | undefined;
  /** The machine's NTP state, once asked (`unknown`: no way to tell). */
  readonly ntp?: NtpState | undefined;
}

/** The clock part of the node status: the trust, readings held for it, and time-message problems. */
export interface ClockReport extends ClockStatus {
  readonly held: number;
  readonly dropped: number;
  readonly problems: Record<string, number>;
}

interface Trust {
  source: TrustSource;
  /** Trusted wall time − monotonic time, in milliseconds. */
  offsetMs: number;
  /** Whether the offset follows the machine's wall clock (NTP synchronised, or the fallback), so that its steps are taken. */
  followsMachine: boolean;
}

export class TrustedTime {
  private trust: Trust | undefined;
  private ntp: NtpState | undefined;
  private readonly changes = new Listeners<[]>();
  private readonly sources: ReadonlySet<TimeSource>;
  readonly buildDateMs: number;
  private readonly jumpBoundMs: number;
  private readonly brokerMaxStepMs: number;

  constructor(
    /** The machine's own clock: its monotonic time dates readings, its wall time is what NTP sets. */
    readonly base: Clock,
    private readonly logger: Logger,
    options: TrustedTimeOptions = {},
  ) {
    this.buildDateMs = options.buildDateMs ?? SOURCE_BUILD_DATE_MS;
    this.sources = new Set(options.sources ?? TIME_SOURCES);
    this.jumpBoundMs = options.jumpBoundMs ?? DEFAULT_JUMP_BOUND_MS;
    this.brokerMaxStepMs = options.brokerMaxStepMs ?? DEFAULT_BROKER_MAX_STEP_MS;
  }

  /** Called when trust is gained, lost or corrected; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    return this.changes.add(listener);
  }

  /** The trusted wall time of a monotonic instant; undefined while the clock is not trusted. */
  wallAt(monotonic: number): number | undefined {
    const offset = this.offset();
    return offset === undefined ? undefined : Math.round(monotonic + offset);
  }

  /** Trusted wall time now, or the machine's own while untrusted. */
  now(): number {
    return this.wallAt(this.base.monotonic()) ?? this.base.now();
  }

  /** The machine's wall clock − monotonic: what dates readings while nothing better is known. */
  machineOffset(): number {
    return this.base.now() - this.base.monotonic();
  }

  /** The source trusted now, if any. */
  get source(): TrustSource | undefined {
    return this.offset() === undefined ? undefined : this.trust?.source;
  }

  status(): ClockStatus {
    const source = this.source;
    return { trusted: source !== undefined, ...(source ? { source } : {}), ...(this.ntp ? { ntp: this.ntp } : {}) };
  }

  /**
   * The offset in force, undefined while untrusted. While it follows the machine clock, a step
   * of that clock (NTP stepping it) is taken here, so readings not yet dated get the new offset.
   */
  offset(): number | undefined {
    const trust = this.trust;
    if (!trust) return undefined;
    if (!trust.followsMachine) return trust.offsetMs;
    const machine = this.machineOffset();
    if (this.base.now() < this.buildDateMs) {
      this.logger.warn({ source: trust.source }, `the machine clock went back before the build date (${iso(this.base.now())}): not trusted any more`);
      this.trust = undefined;
      this.changes.emit();
      return undefined;
    }
    const step = machine - trust.offsetMs;
    trust.offsetMs = machine;
    if (Math.abs(step) > this.jumpBoundMs) {
      this.logger.warn({ source: trust.source, stepMs: Math.round(step) }, `wall clock stepped by ${seconds(step)} s; readings not yet sent are dated by the new time`);
      this.changes.emit();
    }
    return machine;
  }

  /** The machine's NTP state, as the kernel reports it (see ntp-status.ts). */
  machineSynchronisation(state: NtpState): void {
    if (!this.sources.has('ntp')) return;
    this.ntp = state;
    const trust = this.trust;
    if (state === 'synchronised') {
      if (this.base.now() < this.buildDateMs) {
        this.logger.warn({ machine: iso(this.base.now()) }, 'NTP reports the clock synchronised, but it reads before the build date: not trusted');
        return;
      }
      if (trust?.source === 'ntp' && trust.followsMachine) return;
      this.adopt('ntp', this.machineOffset(), true);
      return;
    }
    if (trust?.source === 'ntp' && trust.followsMachine) {
      // The clock ran synchronised until now; monotonic time is continuous, so the offset learnt stays right.
      trust.followsMachine = false;
      this.logger.warn({}, 'NTP no longer reports the clock synchronised: readings are dated by the time learnt while it was');
      this.changes.emit();
    } else if (trust?.source === 'machine' && state === 'unsynchronised') {
      this.trust = undefined;
      this.logger.warn({}, 'the machine can tell its clock is not synchronised: the clock is not trusted until it is');
      this.changes.emit();
    } else if (!trust && state === 'unknown' && this.base.now() >= this.buildDateMs) {
      // No way to tell (no systemd, no chrony): a clock after the build date is the best there is.
      this.adopt('machine', this.machineOffset(), true);
    }
  }

  /**
   * A source says it is `utcMs` now. It sets an untrusted clock; it corrects a trusted one when
   * it differs by more than the jump bound and ranks at least as high as the source trusted
   * (a broker message by at most its own bound); otherwise only its disagreement is reported.
   */
  offer(utcMs: number, source: string): OfferOutcome {
    const named: TimeSource = source === 'broker' || source === 'ntp' ? source : 'gps';
    if (!this.sources.has(named)) return 'not-allowed';
    if (!Number.isFinite(utcMs) || utcMs < this.buildDateMs) return 'before-build-date';
    const candidate = utcMs - this.base.monotonic();
    const current = this.offset();
    const trust = this.trust;
    if (current === undefined || !trust) {
      this.adopt(named, candidate, false, source);
      return 'set';
    }
    const difference = candidate - current;
    const rank = trust.source === 'ntp' && !trust.followsMachine ? RANK.broker : RANK[trust.source];
    if (Math.abs(difference) <= this.jumpBoundMs) {
      // Agreement from a better source: it is what the trust rests on from now on.
      if (RANK[named] > rank) {
        this.trust = { source: named, offsetMs: current, followsMachine: false };
        this.changes.emit();
      }
      return 'agrees';
    }
    if (RANK[named] < rank) return 'disagrees';
    if (named === 'broker' && Math.abs(difference) > this.brokerMaxStepMs) return 'too-far';
    this.adopt(named, candidate, false, source);
    return 'corrected';
  }

  private adopt(source: TrustSource, offsetMs: number, followsMachine: boolean, name: string = source): void {
    const before = this.trust?.offsetMs ?? this.machineOffset();
    const wasTrusted = this.trust !== undefined;
    this.trust = { source, offsetMs, followsMachine };
    const correction = offsetMs - before;
    if (Math.abs(correction) > this.jumpBoundMs) {
      this.logger.warn({ source: name, correctionMs: Math.round(correction) }, `wall clock corrected from ${name} by ${seconds(correction)} s`);
    }
    // The fallback (`machine`) is announced where the machine is asked (src/time/ntp-watch.ts).
    if (!wasTrusted && source !== 'machine') this.logger.info({ source: name, time: iso(offsetMs + this.base.monotonic()) }, `wall clock trusted (${name})`);
    this.changes.emit();
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
