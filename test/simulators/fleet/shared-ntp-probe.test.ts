import { describe, expect, it } from 'vitest';
import { sharedNtpProbe } from '../../../simulators/fleet/shared-ntp-probe.js';
import type { NtpAnswer } from '../../../src/index.js';

describe('the NTP answer a fleet shares', () => {
  it('asks the machine once for many nodes, and again once the answer is 30 s old', async () => {
    let asked = 0;
    let now = 0;
    const probe = sharedNtpProbe({ read: async (): Promise<NtpAnswer> => ({ state: ++asked === 1 ? 'unsynchronised' : 'synchronised', via: 'timedatectl' }) }, () => now);
    const first = await Promise.all(Array.from({ length: 100 }, () => probe.read()));
    expect(asked).toBe(1);
    expect(new Set(first.map((answer) => answer.state))).toEqual(new Set(['unsynchronised']));
    now = 29_999;
    expect((await probe.read()).state).toBe('unsynchronised');
    now = 30_000;
    expect((await probe.read()).state).toBe('synchronised');
    expect(asked).toBe(2);
  });
});
