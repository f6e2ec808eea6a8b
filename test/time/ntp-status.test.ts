import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkClock } from '../../src/doctor/clock.js';
import { readBuildInfo, SOURCE_BUILD_DATE_MS } from '../../src/time/build-date.js';
import { parseChronyTracking, parseTimedatectl, systemNtpProbe, type NtpProbeAccess } from '../../src/time/ntp-status.js';

const CHRONY_SYNCED = 'C0A80001,192.168.0.1,3,1764500000.123456789,-0.000012345,0.000023456,0.000034567,-12.345,-0.001,0.012,0.012345678,0.001234567,1024.5,Normal\n';
const CHRONY_UNSYNCED = '00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised\n';

/** A machine as the probe sees it: commands answer as given (undefined: missing or failing), files under a root of our own. */
function machine(answers: Record<string, string | undefined>, timesync?: 'directory' | 'synchronized'): NtpProbeAccess & { asked: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'fieldnode-ntp-'));
  if (timesync) mkdirSync(join(root, 'run/systemd/timesync'), { recursive: true });
  if (timesync === 'synchronized') writeFileSync(join(root, 'run/systemd/timesync/synchronized'), '');
  const asked: string[] = [];
  return {
    root,
    asked,
    run: async (command) => {
      asked.push(command);
      return answers[command];
    },
  };
}

describe('the NTP state, per the kernel', () => {
  it('reads timedatectl and chrony answers, and nothing from anything else', () => {
    expect(parseTimedatectl('yes\n')).toBe('synchronised');
    expect(parseTimedatectl('no\n')).toBe('unsynchronised');
    expect(parseTimedatectl("System has not been booted with systemd as init system (PID 1). Can't operate.")).toBe('unknown');
    expect(parseTimedatectl(undefined)).toBe('unknown');
    expect(parseChronyTracking(CHRONY_SYNCED)).toBe('synchronised');
    expect(parseChronyTracking(CHRONY_UNSYNCED)).toBe('unsynchronised');
    expect(parseChronyTracking('506 Cannot talk to daemon')).toBe('unknown');
  });

  it('asks timedatectl first, then systemd-timesyncd, then chrony; the first answer decides', async () => {
    const first = machine({ timedatectl: 'no\n', chronyc: CHRONY_SYNCED }, 'synchronized');
    expect(await systemNtpProbe(first).read()).toEqual({ state: 'unsynchronised', via: 'timedatectl' });
    expect(first.asked).toEqual(['timedatectl']);
    expect(await systemNtpProbe(machine({ chronyc: CHRONY_UNSYNCED }, 'synchronized')).read()).toEqual({ state: 'synchronised', via: 'timesyncd' });
    expect(await systemNtpProbe(machine({ chronyc: CHRONY_SYNCED }, 'directory')).read()).toEqual({ state: 'unsynchronised', via: 'timesyncd' });
    expect(await systemNtpProbe(machine({ chronyc: CHRONY_SYNCED })).read()).toEqual({ state: 'synchronised', via: 'chrony' });
    expect(await systemNtpProbe(machine({})).read()).toEqual({ state: 'unknown' });
  });
});

describe('fieldnode doctor asks as the node does', () => {
  it('takes chrony when neither timedatectl nor systemd-timesyncd answers', () => {
    const root = mkdtempSync(join(tmpdir(), 'fieldnode-doctor-chrony-'));
    expect(checkClock({ root, run: (command) => (command === 'chronyc' ? CHRONY_SYNCED : undefined) })).toMatchObject({ status: 'pass' });
    expect(checkClock({ root, run: (command) => (command === 'chronyc' ? CHRONY_UNSYNCED : undefined) })).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^not synchronised/) });
  });
});

describe('the build date', () => {
  it('is the time npm run build recorded, or the source date when there is none or it is damaged', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-build-'));
    const file = (name: string, text: string) => {
      writeFileSync(join(directory, name), text);
      return pathToFileURL(join(directory, name));
    };
    expect(readBuildInfo(file('good.json', JSON.stringify({ builtAt: '2026-11-30T20:00:00.000Z' })))).toBe(Date.UTC(2026, 10, 30, 20));
    expect(readBuildInfo(pathToFileURL(join(directory, 'missing.json')))).toBeUndefined();
    expect(readBuildInfo(file('bad.json', '{ not json'))).toBeUndefined();
    expect(readBuildInfo(file('old.json', JSON.stringify({ builtAt: '1999-01-01T00:00:00Z' })))).toBeUndefined();
    expect(SOURCE_BUILD_DATE_MS).toBe(Date.UTC(2026, 0, 1));
  });
});
