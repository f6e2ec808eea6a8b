/**
 * The forwarder while the disk refuses writes: live packs still reach a connected broker from
 * memory, what memory cannot keep is dropped once as `disk-full`, a pack sent again after a
 * disconnect is marked historical, and the episode is logged once at each end. The outbox is
 * a real SQLite file whose writes fail on demand as a full disk makes them fail.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodePack } from '../../src/codec/index.js';
import type { Outbox } from '../../src/outbox/outbox.js';
import { openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';
import { bounds, setup, tick } from './forwarder-harness.js';

/** A real outbox whose writes throw SQLITE_FULL while `full.on` is set. */
function fillableOutbox(): { outbox: Outbox; real: Outbox; full: { on: boolean } } {
  const real = openSqliteOutbox(join(mkdtempSync(join(tmpdir(), 'fieldnode-disk-full-')), 'o.db'), bounds);
  const full = { on: true };
  const refuse = () => {
    throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  };
  const outbox: Outbox = {
    append: (packs, inFlight, options) => (full.on ? refuse() : real.append(packs, inFlight, options)),
    sync: () => (full.on ? refuse() : real.sync()),
    remove: (ids) => (full.on ? refuse() : real.remove(ids)),
    expire: (now, inFlight) => (full.on ? refuse() : real.expire(now, inFlight)),
    after: (afterId, limit) => real.after(afterId, limit),
    totals: () => real.totals(),
    freeBytes: () => (full.on ? 0 : 1_000_000),
    nextBootEpoch: () => real.nextBootEpoch(),
    close: () => real.close(),
  };
  return { outbox, real, full };
}

/** Packs held in memory while the disk is full, at most (README: store and forward). */
const HELD_PACKS_LIMIT = 10_000;
const reading = (seq: number) => [{ name: 't', value: seq, unit: 'Cel', time: Date.UTC(2026, 1, 1) }];
const payloads = (sent: { message: { payload: Buffer } }[]) => sent.map((entry) => decodeMessage(entry.message.payload));

describe('forwarder on a full disk', () => {
  it('sends live packs from memory while the disk is full, logs the episode once at each end, and writes nothing already acknowledged', async () => {
    const { outbox, real, full } = fillableOutbox();
    const { uplink, forwarder, clock, logger, submit } = setup(outbox);
    await forwarder.start();
    submit(6);
    await tick();
    expect(uplink.sent).toHaveLength(4);
    for (const entry of uplink.sent.splice(0)) entry.done();
    await tick();
    expect(uplink.sent).toHaveLength(2);
    for (const entry of uplink.sent.splice(0)) entry.done();
    for (let second = 0; second < 30; second++) {
      submit(1);
      await tick();
      for (const entry of uplink.sent.splice(0)) entry.done();
      clock.advance(1000);
    }
    expect(forwarder.stats.packsAcked).toBe(36);
    // Acknowledged packs are forgotten; the last one's neighbours in flight are not.
    expect(forwarder.heldTotals().packs).toBe(uplink.sent.length);
    submit(3);
    await tick();
    expect(forwarder.heldTotals()).toMatchObject({ packs: 3, readings: 6 });
    expect(forwarder.heldTotals().bytes).toBeGreaterThan(0);
    for (const entry of uplink.sent.splice(0)) entry.done();
    await tick();
    expect(forwarder.heldTotals()).toEqual({ packs: 0, readings: 0, bytes: 0 });
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors.map((entry) => entry.message)).toEqual(['cannot write to the outbox (SQLITE_FULL, 0 bytes free); new packs are kept in memory and sent from there, retrying every second']);
    expect(errors[0]!.fields).toMatchObject({ cause: 'SQLITE_FULL', freeBytes: 0 });
    full.on = false;
    uplink.disconnect();
    submit(2);
    await tick();
    clock.advance(1000);
    await tick();
    expect(real.totals()).toMatchObject({ packs: 2, readings: 4 });
    const recovered = logger.entries.filter((entry) => entry.level === 'info').map((entry) => entry.message);
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatch(/^the outbox is writable again after 3\d s \(SQLITE_FULL\)$/);
    expect(forwarder.stats.dropped['disk-full']).toEqual({ packs: 0, readings: 0 });
  });

  it('resends packs that were in flight from memory at a disconnect marked historical, and delivers each held pack', async () => {
    const { outbox, real, full } = fillableOutbox();
    const { uplink, forwarder, clock } = setup(outbox);
    await forwarder.start();
    for (let seq = 1; seq <= 6; seq++) forwarder.submit('n/b/data', 1, (session) => encodePack(reading(seq), 'n/b/', session));
    await tick();
    expect(payloads(uplink.sent).map((pack) => [pack.session?.seq, pack.historical])).toEqual([[1, false], [2, false], [3, false], [4, false]]);
    uplink.disconnect();
    uplink.sent.splice(0).forEach((entry) => entry.done(new Error('connection closed')));
    clock.advance(5000);
    uplink.reconnect();
    await tick();
    // Live copies may have reached the broker before the link dropped: every later copy says so.
    expect(payloads(uplink.sent).map((pack) => [pack.session?.seq, pack.historical])).toEqual([[1, true], [2, true], [3, true], [4, true]]);
    full.on = false;
    for (let round = 0; round < 3; round++) {
      uplink.sent.splice(0).forEach((entry) => entry.done());
      await tick();
      clock.advance(1000);
      await tick();
    }
    expect(forwarder.stats.packsAcked).toBe(6);
    expect(real.totals().packs).toBe(0);
  });

  it('never counts acknowledged packs as dropped when their removal failed, and removes them with the next write', async () => {
    const { outbox, real, full } = fillableOutbox();
    full.on = false;
    const removals = { fail: true };
    const { uplink, forwarder, clock } = setup({ ...outbox, remove: (ids) => (removals.fail ? (() => { throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }); })() : real.remove(ids)) });
    await forwarder.start();
    const big = Buffer.alloc(200_000, 1);
    for (let index = 0; index < 4; index++) forwarder.submit('n/b/data', 1, () => big);
    await tick();
    for (const entry of uplink.sent.splice(0)) entry.done();
    await tick();
    // No pack was written in that turn: the removal runs on its own, and fails.
    expect(real.totals().packs).toBe(4);
    // The outbox (1,000,000 bytes) holds 800,000 acknowledged bytes; the next write, at the retry, removes them first, so nothing is dropped.
    uplink.disconnect();
    for (let index = 0; index < 2; index++) forwarder.submit('n/b/data', 1, () => big);
    await tick();
    clock.advance(1000);
    await tick();
    // Each pack is acknowledged, dropped or on disk: exactly one of the three.
    const { packsAcked, dropped } = forwarder.stats;
    expect([packsAcked, dropped.full.packs, real.totals().packs]).toEqual([4, 0, 2]);
  });

  it('drops what memory cannot keep once, as disk-full, and never what is in flight', async () => {
    const { outbox, real, full } = fillableOutbox();
    const { uplink, forwarder, clock, submit } = setup(outbox);
    await forwarder.start();
    uplink.disconnect();
    submit(HELD_PACKS_LIMIT + 250);
    await tick();
    clock.advance(1000);
    submit(50);
    await tick();
    expect(forwarder.stats.dropped['disk-full']).toEqual({ packs: 300, readings: 600 });
    clock.advance(10_000);
    await tick();
    expect(forwarder.stats.dropped['disk-full']).toEqual({ packs: 300, readings: 600 });
    full.on = false;
    clock.advance(1000);
    await tick();
    expect(real.totals()).toMatchObject({ packs: HELD_PACKS_LIMIT, readings: 2 * HELD_PACKS_LIMIT });
    expect(forwarder.stats.packsSubmitted).toBe(HELD_PACKS_LIMIT + 300);
    await forwarder.stop();
  });
});
