/**
 * Times on the wire of a gateway without a real-time clock, on virtual time: every reading's
 * decoded time is compared with the true time of the simulated world when it was taken.
 */
import { Encoder } from 'cbor';
import { describe, expect, it } from 'vitest';
import { decodeSenmlCbor, SenmlError } from '../../src/codec/index.js';
import { resolvePack } from '../../src/codec/senml.js';
import { SOURCE_BUILD_DATE_MS } from '../../src/core/trusted-time.js';
import { settle, TimeRig } from './harness.js';

const TRUE_BOOT = Date.UTC(2026, 10, 21, 6, 0, 0);

describe('dating readings on a clock without an RTC', () => {
  it('boots in 1970, holds readings, and dates all of them to the millisecond once NTP synchronises', async () => {
    const rig = new TimeRig({ bootWallMs: 20_000, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised' });
    await rig.start();
    await rig.run(95);
    expect(rig.packs).toEqual([]);
    expect(rig.time.status()).toMatchObject({ trusted: false, ntp: 'unsynchronised', held: 95 - rig.pending });
    // NTP steps the machine clock to the true time and the kernel calls it synchronised.
    rig.clock.jumpWallClock(rig.trueNow());
    rig.probe.state = 'synchronised';
    await rig.run(40);
    await rig.stop();
    expect(rig.wire()).toHaveLength(135);
    expect(rig.wire().map((reading) => reading.value)).toEqual(Array.from({ length: 135 }, (_, index) => index + 1));
    expect(rig.errors().every((error) => error === 0)).toBe(true);
    expect(rig.wire().some((reading) => reading.clock !== undefined)).toBe(false);
    expect(rig.time.status()).toMatchObject({ trusted: true, source: 'ntp', held: 0, dropped: 0 });
    expect(rig.clock.pendingTimers()).toBe(0);
  });

  it('boots at the last shutdown time, which looks sane, and dates everything right when NTP steps the clock back', async () => {
    const rig = new TimeRig({ bootWallMs: TRUE_BOOT + 3 * 3_600_000, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised' });
    await rig.start();
    await rig.run(50);
    expect(rig.packs).toEqual([]);
    rig.clock.jumpWallClock(rig.trueNow());
    rig.probe.state = 'synchronised';
    await rig.run(30);
    await rig.stop();
    expect(rig.wire()).toHaveLength(80);
    expect(new Set(rig.errors())).toEqual(new Set([0]));
  });

  it('takes a GPS time first, dates earlier readings by it, and moves to NTP when NTP agrees', async () => {
    const rig = new TimeRig({ bootWallMs: 20_000, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised' });
    await rig.start();
    await rig.run(20);
    rig.time.clock.offer(rig.trueNow(), 'gps');
    expect(rig.time.status()).toMatchObject({ trusted: true, source: 'gps' });
    const corrections = () => rig.logger.entries.filter((entry) => entry.message.startsWith('wall clock corrected'));
    expect(corrections()).toHaveLength(1);
    await rig.run(20);
    rig.clock.jumpWallClock(rig.trueNow());
    rig.probe.state = 'synchronised';
    await rig.run(40);
    await rig.stop();
    expect(rig.time.status()).toMatchObject({ trusted: true, source: 'ntp' });
    expect(rig.wire()).toHaveLength(80);
    expect(new Set(rig.errors())).toEqual(new Set([0]));
    // NTP agreed: no second correction.
    expect(corrections()).toHaveLength(1);
  });

  it('takes a step of a trusted clock for the readings still in the batcher', async () => {
    // Synchronised from the start, but 5 minutes ahead until NTP steps it back.
    const rig = new TimeRig({ bootWallMs: TRUE_BOOT + 300_000, trueAtBootMs: TRUE_BOOT, ntp: 'synchronised', maxReadings: 100, maxDelayMs: 60_000 });
    await rig.start();
    await rig.run(10);
    expect(rig.packs).toEqual([]);
    rig.clock.jumpWallClock(rig.trueNow());
    await rig.run(5);
    await rig.stop();
    expect(rig.wire()).toHaveLength(15);
    expect(new Set(rig.errors())).toEqual(new Set([0]));
    expect(rig.logger.entries.some((entry) => entry.level === 'warn' && entry.message.startsWith('wall clock stepped by -300.0 s'))).toBe(true);
  });

  it('corrects a GPS-trusted clock when a later fix disagrees by more than the bound', async () => {
    const rig = new TimeRig({ bootWallMs: 20_000, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised', maxReadings: 100, maxDelayMs: 60_000 });
    await rig.start();
    rig.time.clock.offer(rig.trueNow() + 18_000, 'gps'); // a cold GPS without its UTC offset yet
    await rig.run(10);
    rig.time.clock.offer(rig.trueNow(), 'gps');
    await rig.run(5);
    await rig.stop();
    expect(new Set(rig.errors())).toEqual(new Set([0]));
  });

  it('holds readings past the bound, warns once, and drops the oldest beyond the cap, counted', async () => {
    const rig = new TimeRig({ bootWallMs: TRUE_BOOT, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised', clock: { untrusted: 'hold', trustWithinSeconds: 60, maxHeldReadings: 50 } });
    await rig.start();
    await rig.run(120);
    expect(rig.packs).toEqual([]);
    expect(rig.logger.entries.filter((entry) => entry.message.startsWith('the clock is not trusted in time'))).toHaveLength(1);
    const dropped = 120 - 50 - rig.pending;
    expect(rig.time.status()).toMatchObject({ trusted: false, held: 50, dropped });
    expect(rig.problems).toHaveLength(dropped);
    expect(rig.problems.every((problem) => problem.board === 'station' && problem.kind === 'clock-held-dropped')).toBe(true);
    rig.probe.state = 'synchronised';
    await rig.run(30);
    await rig.stop();
    // Dropping went on until the next look at NTP; then the newest held, in order, and the live ones.
    const droppedInAll = rig.time.status().dropped;
    expect(droppedInAll).toBeGreaterThan(dropped);
    expect(droppedInAll).toBe(rig.problems.length);
    expect(rig.wire().map((reading) => reading.value)).toEqual(Array.from({ length: 150 - droppedInAll }, (_, index) => index + droppedInAll + 1));
    expect(new Set(rig.errors())).toEqual(new Set([0]));
  });

  it('flags readings after the bound: machine times marked clock_ untrusted, understood by our decoder, rejected by a generic receiver', async () => {
    const machineAhead = 45_000;
    const rig = new TimeRig({ bootWallMs: TRUE_BOOT + machineAhead, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised', clock: { untrusted: 'flag', trustWithinSeconds: 60 } });
    await rig.start();
    await rig.run(59);
    expect(rig.packs).toEqual([]);
    await rig.run(41);
    const flagged = rig.wire();
    expect(flagged.length).toBeGreaterThanOrEqual(95);
    expect(flagged.every((reading) => reading.clock === 'untrusted')).toBe(true);
    expect(rig.packs.every((pack) => pack.untrustedClock)).toBe(true);
    // The machine's own times: off by exactly what the machine clock is off.
    expect(new Set(rig.errors())).toEqual(new Set([machineAhead]));
    // A receiver that does not know clock_ must reject the records (RFC 8428 §4.4).
    const raw = decodeSenmlCbor(Encoder.encode([{ '-2': 'x/', '0': 'y', '2': 1, clock_: 'untrusted' }]));
    expect(() => resolvePack(raw)).toThrow(SenmlError);
    // Trust arrives: later readings are dated right and not flagged.
    rig.probe.state = 'synchronised';
    rig.clock.jumpWallClock(rig.trueNow());
    while (!rig.time.status().trusted) await rig.run(1);
    const trustedFrom = rig.wire().length + rig.pending;
    await rig.run(30);
    await rig.stop();
    const later = rig.wire().slice(trustedFrom);
    expect(later.length).toBeGreaterThan(20);
    expect(later.every((reading) => reading.clock === undefined)).toBe(true);
    expect(new Set(rig.errors().slice(flagged.length))).toEqual(new Set([0]));
    expect(rig.wire().map((reading) => reading.value)).toEqual(Array.from({ length: rig.wire().length }, (_, index) => index + 1));
  });

  it('never sends a time before the build date: in flag mode a 1970 clock keeps readings held until it is trusted', async () => {
    const rig = new TimeRig({ bootWallMs: 20_000, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised', clock: { untrusted: 'flag', trustWithinSeconds: 10 } });
    await rig.start();
    await rig.run(60);
    expect(rig.packs).toEqual([]);
    expect(rig.logger.entries.filter((entry) => entry.message.startsWith('the machine clock reads before the build date'))).toHaveLength(1);
    rig.time.clock.offer(rig.trueNow(), 'gps');
    await rig.run(5);
    await rig.stop();
    expect(rig.wire()).toHaveLength(65);
    expect(rig.wire().every((reading) => reading.time >= SOURCE_BUILD_DATE_MS && reading.clock === undefined)).toBe(true);
    expect(new Set(rig.errors())).toEqual(new Set([0]));
  });

  it('at stop, sends held readings marked untrusted when the machine clock reads after the build date, and counts them dropped when it does not', async () => {
    const late = new TimeRig({ bootWallMs: TRUE_BOOT, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised' });
    await late.start();
    await late.run(12);
    await late.stop();
    expect(late.wire()).toHaveLength(12);
    expect(late.wire().every((reading) => reading.clock === 'untrusted')).toBe(true);

    const early = new TimeRig({ bootWallMs: 20_000, trueAtBootMs: TRUE_BOOT, ntp: 'unsynchronised' });
    await early.start();
    await early.run(12);
    await early.stop();
    expect(early.packs).toEqual([]);
    expect(early.problems).toHaveLength(12);
    expect(early.clock.pendingTimers()).toBe(0);
  });

  it('falls back to the machine clock when there is no way to tell, and only after the build date', async () => {
    const rig = new TimeRig({ bootWallMs: 20_000, trueAtBootMs: TRUE_BOOT, ntp: 'unknown' });
    await rig.start();
    expect(rig.logger.entries.filter((entry) => entry.message.startsWith('cannot tell whether the clock is synchronised'))).toHaveLength(1);
    await rig.run(10);
    expect(rig.time.status()).toMatchObject({ trusted: false, ntp: 'unknown' });
    // Someone sets the clock; the next look at the machine (every 5 minutes) trusts it.
    rig.clock.jumpWallClock(rig.trueNow());
    await rig.run(300);
    await settle();
    expect(rig.time.status()).toMatchObject({ trusted: true, source: 'machine' });
    await rig.run(5);
    await rig.stop();
    expect(rig.wire()).toHaveLength(315);
    expect(new Set(rig.errors())).toEqual(new Set([0]));
    expect(rig.logger.entries.filter((entry) => entry.message.startsWith('cannot tell whether the clock is synchronised'))).toHaveLength(1);
  });
});
