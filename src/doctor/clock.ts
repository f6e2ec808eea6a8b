/**
 * Check 6: the system clock. A Pi has no real-time clock: until NTP syncs it boots at 1970 or
 * its last shutdown, so the node holds its readings until the clock is trusted (see the
 * `clock:` config section). Synchronised, or an RTC that keeps time across power cuts, makes it
 * right. Asked in the order the node asks (src/time/ntp-status.ts): timedatectl, the mark of
 * systemd-timesyncd, chrony.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseChronyTracking, parseTimedatectl } from '../time/ntp-status.js';
import { fail, pass, warn, type CheckResult } from './report.js';

/** Where the clock's state is read: a root for the files and a way to run timedatectl, injected in tests. */
export interface ClockProbe {
  /** Prefix of /run, /sys and /dev (default `/`). */
  readonly root: string;
  /** Runs a command; its stdout, or undefined when it is missing or fails. */
  readonly run: (command: string, args: readonly string[]) => string | undefined;
}

/** The machine's own clock state. */
export const systemClockProbe: ClockProbe = {
  root: '/',
  run(command, args) {
    try {
      return execFileSync(command, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    } catch {
      return undefined;
    }
  },
};

type Synchronised = 'yes' | 'no' | 'unknown';

/** One result: synchronised (pass), unknown (warn), or not synchronised (warn with an RTC, fail without). */
export function checkClock(probe: ClockProbe): CheckResult {
  const check = 'clock';
  const synchronised = readSynchronised(probe);
  const rtc = ['sys/class/rtc/rtc0', 'dev/rtc0'].some((path) => existsSync(join(probe.root, path)));
  const rtcNote = rtc ? 'a real-time clock is fitted' : 'no real-time clock';
  const enableNtp = 'enable time synchronisation (sudo timedatectl set-ntp true; the gateway needs network to reach an NTP server)';
  if (synchronised === 'yes') return pass(check, `synchronised (NTP), ${rtcNote}`);
  if (synchronised === 'unknown') return warn(check, `synchronisation unknown (no timedatectl, no systemd-timesyncd state, no chrony), ${rtcNote}`, `check that an NTP client runs (chrony, ntpd or systemd-timesyncd)${rtc ? '' : '; without a real-time clock the gateway boots with a wrong time'}`);
  if (rtc) return warn(check, `not synchronised, ${rtcNote} keeps the time meanwhile`, enableNtp);
  return fail(check, `not synchronised, ${rtcNote}: the gateway boots in the past and the node holds readings until NTP, a GPS fix or the broker side gives it the time`, `${enableNtp}, or fit a real-time clock module`);
}

function readSynchronised(probe: ClockProbe): Synchronised {
  const timedatectl = parseTimedatectl(probe.run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']));
  if (timedatectl !== 'unknown') return timedatectl === 'synchronised' ? 'yes' : 'no';
  // systemd-timesyncd marks a synchronised clock with this file; its absence alone proves nothing.
  if (existsSync(join(probe.root, 'run/systemd/timesync/synchronized'))) return 'yes';
  const chrony = parseChronyTracking(probe.run('chronyc', ['-c', 'tracking']));
  if (chrony !== 'unknown') return chrony === 'synchronised' ? 'yes' : 'no';
  return 'unknown';
}
