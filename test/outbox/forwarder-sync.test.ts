/**
 * When the forwarder makes stored packs survive a power cut: a pack the broker acknowledges
 * within `syncDelayMs` never costs an fsync; one still unacknowledged then is synced, with
 * every other one waiting, in one sync; `syncDelayMs: 0` commits every write durably; stop
 * syncs what is left; a failed sync is said and tried again. The outbox is a real SQLite
 * file, counted on its way through.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REMOVAL_DELAY_MS } from '../../src/outbox/forwarder.js';
import type { Outbox } from '../../src/outbox/outbox.js';
import { openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';
import { bounds, setup, tick } from './forwarder-harness.js';

/** A real outbox that counts its transactions, and fails the next `failSyncs` syncs. */
function countedOutbox() {
  const real = openSqliteOutbox(join(mkdtempSync(join(tmpdir(), 'fieldnode-sync-')), 'o.db'), bounds);
  const counts = { syncs: 0, durableAppends: 0, appends: 0, appendsRemoving: 0, removes: 0, failSyncs: 0 };
  const outbox: Outbox = {
    append: (packs, inFlight, options) => {
      counts.appends++;
      if (options?.durable) counts.durableAppends++;
      if (options?.remove?.length) counts.appendsRemoving++;
      return real.append(packs, inFlight, options);
    },
    sync: () => {
      if (counts.failSyncs > 0) {
        counts.failSyncs--;
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_FSYNC' });
      }
      counts.syncs++;
      real.sync();
    },
    remove: (ids) => {
      counts.removes++;
      real.remove(ids);
    },
    expire: (now, inFlight) => real.expire(now, inFlight),
    after: (afterId, limit) => real.after(afterId, limit),
    totals: () => real.totals(),
    nextBootEpoch: () => real.nextBootEpoch(),
    close: () => real.close(),
  };
  return { outbox, counts };
}

describe('forwarder writes', () => {
  it('removes acknowledged rows in the transaction of the next write, and alone only when no pack follows in time', async () => {
    const { outbox, counts } = countedOutbox();
    const { uplink, forwarder, clock, submit } = setup(outbox);
    await forwarder.start();
    submit(2);
    await tick();
    // Acknowledged, with new packs in the same turn (in either order): one transaction.
    uplink.sent.shift()!.done();
    submit(1);
    uplink.sent.shift()!.done();
    await tick();
    expect([counts.appends, counts.appendsRemoving, counts.removes]).toEqual([2, 1, 0]);
    expect(outbox.totals().packs).toBe(1);
    // Acknowledged alone: the row waits for the next write, but is no longer counted as waiting to be sent.
    uplink.sent.shift()!.done();
    await tick();
    expect([counts.appends, counts.removes, outbox.totals().packs, forwarder.backlogTotals().packs]).toEqual([2, 0, 1, 0]);
    clock.advance(REMOVAL_DELAY_MS / 2);
    submit(1);
    await tick();
    expect([counts.appends, counts.appendsRemoving, counts.removes, outbox.totals().packs]).toEqual([3, 2, 0, 1]);
    // The fallback was stopped with nothing left to remove: no transaction of its own.
    clock.advance(REMOVAL_DELAY_MS);
    expect(counts.removes).toBe(0);
    // Acknowledged and no pack follows: removed alone once the delay has passed.
    uplink.sent.shift()!.done();
    await tick();
    clock.advance(REMOVAL_DELAY_MS - 1);
    expect([counts.removes, outbox.totals().packs]).toEqual([0, 1]);
    clock.advance(1);
    expect([counts.removes, outbox.totals().packs]).toEqual([1, 0]);
    expect(forwarder.stats.packsAcked).toBe(4);
  });

  it('wakes for nothing while the broker keeps up: no sync, removal or other timer fires', async () => {
    const { outbox, counts } = countedOutbox();
    const { uplink, forwarder, clock, submit } = setup(outbox);
    let fired = 0;
    const setTimeout = clock.setTimeout.bind(clock);
    clock.setTimeout = (callback, delayMs) =>
      setTimeout(() => {
        fired++;
        callback();
      }, delayMs);
    await forwarder.start();
    // A pack a second, acknowledged within 10 ms, as on a pole: 20 s of it.
    for (let second = 0; second < 20; second++) {
      submit(1);
      await tick();
      clock.advance(10);
      for (const entry of uplink.sent.splice(0)) entry.done();
      await tick();
      clock.advance(990);
    }
    expect([fired, counts.syncs, counts.removes, forwarder.stats.packsAcked]).toEqual([0, 0, 0, 20]);
  });

  it('no pack the broker acknowledges within the delay, and one sync for all that wait longer', async () => {
    const { outbox, counts } = countedOutbox();
    const { uplink, forwarder, clock, submit } = setup(outbox);
    await forwarder.start();
    for (let turn = 0; turn < 10; turn++) {
      submit(3);
      await tick();
      clock.advance(100);
      for (const entry of uplink.sent.splice(0)) entry.done();
      await tick();
    }
    clock.advance(5000);
    expect(forwarder.stats.packsAcked).toBe(30);
    expect(counts.syncs).toBe(0);
    expect(counts.appends).toBeGreaterThan(0);

    // The broker is slow: three packs written over 200 ms wait, then go to disk in one sync.
    submit(1);
    await tick();
    clock.advance(100);
    submit(2);
    await tick();
    clock.advance(149);
    expect(counts.syncs).toBe(0);
    clock.advance(1);
    expect(counts.syncs).toBe(1);
    clock.advance(5000);
    expect(counts.syncs).toBe(1);
    expect(counts.durableAppends).toBe(0);
  });

  it('keeps no pack waiting with a delay of 0: every write is durable', async () => {
    const { outbox, counts } = countedOutbox();
    const { forwarder, clock, submit } = setup(outbox, { syncDelayMs: 0 });
    await forwarder.start();
    submit(2);
    await tick();
    clock.advance(1000);
    submit(1);
    await tick();
    clock.advance(1000);
    expect(counts.durableAppends).toBe(counts.appends);
    expect(counts.appends).toBe(2);
    expect(counts.syncs).toBe(0);
  });

  it('syncs what waits at stop, says when a sync fails, and tries again', async () => {
    const { outbox, counts } = countedOutbox();
    const { forwarder, clock, submit, logger, uplink } = setup(outbox);
    await forwarder.start();
    counts.failSyncs = 1;
    submit(1);
    await tick();
    clock.advance(250);
    expect(counts.syncs).toBe(0);
    expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
      'cannot sync the outbox to disk (SQLITE_IOERR_FSYNC, free space unknown); new packs are kept in memory and sent from there, retrying every second',
    ]);
    clock.advance(250);
    expect(counts.syncs).toBe(1);

    submit(1);
    await tick();
    expect(uplink.sent.length).toBeGreaterThan(0);
    await forwarder.stop();
    expect(counts.syncs).toBe(2);
  });
});
