import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { SOURCE_BUILD_DATE_MS, TrustedTime } from '../../src/core/trusted-time.js';
import { receiveTimeMessage, parseTimeMessage } from '../../src/time/broker-time.js';
import { memoryLogger } from '../support/memory-logger.js';

const TRUE_NOW = Date.UTC(2026, 10, 21, 6, 0, 0);

function timeOn(wallMs: number, sources?: ('ntp' | 'gps' | 'broker')[]) {
  const clock = new VirtualClock(wallMs);
  clock.advance(5000);
  return { clock, time: new TrustedTime(clock, memoryLogger(), { sources }) };
}

describe('trusted time', () => {
  it('never trusts a time before the build date, whatever the source', () => {
    const { time } = timeOn(20_000);
    time.machineSynchronisation('synchronised');
    time.machineSynchronisation('unknown');
    expect(time.offer(SOURCE_BUILD_DATE_MS - 1, 'gps')).toBe('before-build-date');
    expect(time.offer(Number.NaN, 'broker')).toBe('before-build-date');
    expect(time.source).toBeUndefined();
  });

  it('lets a source correct only a trust of its rank or below: NTP over GPS over the broker over the machine', () => {
    const { clock, time } = timeOn(TRUE_NOW);
    time.machineSynchronisation('synchronised');
    expect(time.offer(TRUE_NOW + 5000 + 60_000, 'gps')).toBe('disagrees');
    expect(time.offer(TRUE_NOW + 5000 + 60_000, 'broker')).toBe('disagrees');
    expect(time.now()).toBe(clock.now());
    expect(time.source).toBe('ntp');
    // NTP lost: the offset learnt stays; GPS may correct it now.
    time.machineSynchronisation('unsynchronised');
    expect(time.offer(TRUE_NOW + 5000 + 60_000, 'gps')).toBe('corrected');
    expect(time.now()).toBe(TRUE_NOW + 5000 + 60_000);
  });

  it('bounds how far a broker message moves a clock trusted without NTP, and lets it set an untrusted one', () => {
    const { time } = timeOn(20_000);
    expect(time.offer(TRUE_NOW, 'broker')).toBe('set');
    expect(time.offer(TRUE_NOW + 1000, 'broker')).toBe('agrees');
    expect(time.offer(TRUE_NOW + 200_000, 'broker')).toBe('corrected');
    expect(time.offer(TRUE_NOW + 200_000 + 301_000, 'broker')).toBe('too-far');
    expect(time.now()).toBe(TRUE_NOW + 200_000);
  });

  it('ignores sources the config leaves out', () => {
    const { time } = timeOn(20_000, ['gps']);
    expect(time.offer(TRUE_NOW, 'broker')).toBe('not-allowed');
    time.machineSynchronisation('unknown');
    expect(time.source).toBeUndefined();
    expect(time.offer(TRUE_NOW, 'gps')).toBe('set');
  });
});

describe('the broker time message', () => {
  it('reads ISO 8601 with a zone or epoch milliseconds, and nothing else', () => {
    expect(parseTimeMessage(Buffer.from('{"time":"2026-11-21T06:00:00Z"}'))).toEqual({ ms: TRUE_NOW });
    expect(parseTimeMessage(Buffer.from('{"time":"2026-11-21T07:00:00.000+01:00"}'))).toEqual({ ms: TRUE_NOW });
    expect(parseTimeMessage(Buffer.from(`{"time":${TRUE_NOW}}`))).toEqual({ ms: TRUE_NOW });
    expect(parseTimeMessage(Buffer.from(String(TRUE_NOW)))).toEqual({ ms: TRUE_NOW });
    for (const bad of ['{"time":"2026-11-21T06:00:00"}', '{"time":"soon"}', '{"time":1.5}', '[1]', 'null', '{', '']) {
      expect(parseTimeMessage(Buffer.from(bad))).toHaveProperty('error');
    }
  });

  it('ignores a retained message even when its time is right', () => {
    const { time } = timeOn(20_000);
    expect(receiveTimeMessage({ payload: Buffer.from(`{"time":${TRUE_NOW}}`), retain: true }, time).outcome).toBe('time-message-retained');
    expect(time.source).toBeUndefined();
    expect(receiveTimeMessage({ payload: Buffer.from(`{"time":${TRUE_NOW}}`), retain: false }, time).outcome).toBe('accepted');
    expect(time.source).toBe('broker');
  });
});
