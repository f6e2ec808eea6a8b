/**
 * Asks the machine, rarely, whether NTP has synchronised its clock, and tells the trusted time.
 * Every 30 s until it is, then every 5 minutes to notice a loss; timers on the injected clock,
 * none left after stop().
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { TrustedTime } from '../core/trusted-time.js';
import type { NtpAnswer, NtpProbe } from './ntp-status.js';

export const POLL_UNTIL_SYNCHRONISED_MS = 30_000;
export const POLL_WHILE_SYNCHRONISED_MS = 300_000;

export interface NtpWatchOptions {
  readonly probe: NtpProbe;
  readonly time: TrustedTime;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Whether to warn at start when the machine offers no way to tell (default true). */
  readonly announceUnknown?: boolean;
}

export class NtpWatch implements Lifecycle {
  private timer: TimerHandle | undefined;
  /** Bumped by start and stop: an answer that arrives for an earlier run is ignored. */
  private run = 0;
  private running = false;
  private last: NtpAnswer | undefined;

  constructor(private readonly options: NtpWatchOptions) {}

  /** Waits for the first answer, so boards start knowing whether the clock is trusted. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.poll(++this.run);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.run++;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async poll(run: number): Promise<void> {
    const { probe, time, clock } = this.options;
    const answer = await probe.read().catch((): NtpAnswer => ({ state: 'unknown' }));
    if (run !== this.run) return;
    this.report(answer);
    time.machineSynchronisation(answer.state);
    const delay = answer.state === 'unsynchronised' ? POLL_UNTIL_SYNCHRONISED_MS : POLL_WHILE_SYNCHRONISED_MS;
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      void this.poll(run);
    }, delay);
  }

  private report(answer: NtpAnswer): void {
    const { logger, time } = this.options;
    const first = this.last === undefined;
    if (!first && this.last?.state === answer.state) return;
    this.last = answer;
    if (answer.state === 'unknown') {
      if (first && this.options.announceUnknown !== false) {
        logger.warn(
          { buildDate: new Date(time.buildDateMs).toISOString() },
          'cannot tell whether the clock is synchronised (no timedatectl answer, no systemd-timesyncd, no chrony): the machine clock is trusted whenever it reads after the build date',
        );
      } else if (!first) logger.warn({}, 'NTP state unknown now (timedatectl, systemd-timesyncd and chrony give no answer)');
      return;
    }
    logger.info({ via: answer.via }, answer.state === 'synchronised' ? 'NTP reports the clock synchronised' : 'NTP does not report the clock synchronised yet');
  }
}
