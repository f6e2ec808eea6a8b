/**
 * Whether the machine's wall clock is synchronised, as the kernel knows it. Node cannot call
 * adjtimex, so the answer is asked of what reads it, in order: systemd-timedated
 * (`timedatectl`), the mark systemd-timesyncd leaves once synchronised, and chrony. The first
 * that gives an answer decides; none at all (no systemd running, no chrony: containers,
 * laptops, CI) is `unknown`.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { NtpState } from '../core/trusted-time.js';

export type { NtpState };

/** An answer and what gave it (`timedatectl`, `timesyncd`, `chrony`), for logs and the status. */
export interface NtpAnswer {
  readonly state: NtpState;
  readonly via?: 'timedatectl' | 'timesyncd' | 'chrony' | undefined;
}

/** Asks the machine; tests inject fakes. Never rejects. */
export interface NtpProbe {
  read(): Promise<NtpAnswer>;
}

/** What the system probe reads through: a root for /run, and a way to run a command. */
export interface NtpProbeAccess {
  /** Prefix of /run (default `/`). */
  readonly root: string;
  /** Runs a command; its stdout, or undefined when it is missing, fails or times out. */
  readonly run: (command: string, args: readonly string[]) => Promise<string | undefined>;
}

/** `timedatectl show -p NTPSynchronized --value`: `yes` or `no`; anything else (no systemd, no bus) says nothing. */
export function parseTimedatectl(output: string | undefined): NtpState {
  const answer = output?.trim();
  if (answer === 'yes') return 'synchronised';
  if (answer === 'no') return 'unsynchronised';
  return 'unknown';
}

/**
 * `chronyc -c tracking`: CSV whose 14th field is the leap status (`Normal`, `Insert second`,
 * `Delete second` while synchronised; `Not synchronised` otherwise).
 */
export function parseChronyTracking(output: string | undefined): NtpState {
  const fields = output?.trim().split(',');
  if (!fields || fields.length < 14) return 'unknown';
  const leap = fields[13]!.trim();
  if (leap === 'Not synchronised') return 'unsynchronised';
  if (['Normal', 'Insert second', 'Delete second'].includes(leap)) return 'synchronised';
  return 'unknown';
}

/** The probe of this machine (or of `access`, in tests of the order). */
export function systemNtpProbe(access: NtpProbeAccess = systemAccess): NtpProbe {
  return {
    async read() {
      const timedatectl = parseTimedatectl(await access.run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']));
      if (timedatectl !== 'unknown') return { state: timedatectl, via: 'timedatectl' };
      const timesyncd = await timesyncdState(access.root);
      if (timesyncd !== 'unknown') return { state: timesyncd, via: 'timesyncd' };
      const chrony = parseChronyTracking(await access.run('chronyc', ['-c', 'tracking']));
      if (chrony !== 'unknown') return { state: chrony, via: 'chrony' };
      return { state: 'unknown' };
    },
  };
}

/**
 * systemd-timesyncd touches `synchronized` in its runtime directory once synchronised. The
 * directory without the file is a running timesyncd that is not (yet); no directory, no timesyncd.
 */
async function timesyncdState(root: string): Promise<NtpState> {
  const directory = join(root, 'run/systemd/timesync');
  if (await exists(join(directory, 'synchronized'))) return 'synchronised';
  return (await exists(directory)) ? 'unsynchronised' : 'unknown';
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A command that does not answer in this time says nothing. */
const COMMAND_TIMEOUT_MS = 5000;

const systemAccess: NtpProbeAccess = {
  root: '/',
  run: (command, args) =>
    new Promise((resolve) => {
      execFile(command, [...args], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS }, (error, stdout) => resolve(error ? undefined : stdout));
    }),
};
