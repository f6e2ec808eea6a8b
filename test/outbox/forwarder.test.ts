import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodePack } from '../../src/codec/index.js';
import { REMOVAL_DELAY_MS } from '../../src/outbox/forwarder.js';
import { SANE_CLOCK_FLOOR_MS } from '../../src/outbox/outbox.js';
import { openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';
import { bounds, setup, tick } from './forwarder-harness.js';

describe('forwarder', () => {
  it('numbers packs, keeps at most the window in flight, and removes what is acknowledged', async () => {
    const { uplink, forwarder, outbox, clock, submit } = setup();
    await forwarder.start();
    submit(6);
    await tick();
    expect(uplink.sent.map((entry) => JSON.parse(entry.message.payload.toString()) as unknown)).toEqual([1, 2, 3, 4].map((seq) => ({ boot: 3, seq })));
    for (const entry of uplink.sent.splice(0)) entry.done();
    await tick();
    expect(uplink.sent).toHaveLength(2);
    expect(forwarder.backlogTotals()).toEqual({ packs: 2, readings: 4, bytes: outbox.totals().bytes - 4 * Buffer.byteLength('{"boot":3,"seq":1}') });
    expect(forwarder.stats.readingsAcked).toBe(8);
    // No pack follows: the acknowledged rows go in a removal of their own.
    clock.advance(REMOVAL_DELAY_MS);
    expect(outbox.totals().packs).toBe(2);
  });

  it('takes packs in flight back at a disconnect and resends them marked historical', async () => {
    const { uplink, forwarder } = setup();
    await forwarder.start();
    forwarder.submit('n/b/data', 1, (session) => encodePack([{ name: 't', value: 21.5, unit: 'Cel', time: Date.UTC(2026, 1, 1) }], 'n/b/', session));
    await tick();
    expect(decodeMessage(uplink.sent[0]!.message.payload).historical).toBe(false);
    uplink.disconnect();
    uplink.sent[0]!.done(new Error('connection closed')); // stale: ignored
    uplink.reconnect();
    await tick();
    expect(uplink.sent).toHaveLength(2);
    const resent = decodeMessage(uplink.sent[1]!.message.payload);
    expect(resent).toMatchObject({ historical: true, session: { boot: 3, seq: 1 }, records: [{ name: 'n/b/t', value: 21.5 }] });
  });

  it('does not count packs acknowledged in the same turn as dropped when making room', async () => {
    const tiny = { maxBytes: 65_536, maxAgeMs: 3_600_000, overflow: 'drop-oldest' as const };
    const { uplink, forwarder } = setup(openSqliteOutbox(join(mkdtempSync(join(tmpdir(), 'fieldnode-fwd-')), 'o.db'), tiny));
    await forwarder.start();
    const big = Buffer.alloc(16_000, 1);
    for (let index = 0; index < 4; index++) forwarder.submit('n/b/data', 1, () => big);
    await tick();
    for (const entry of uplink.sent.splice(0)) entry.done();
    forwarder.submit('n/b/data', 1, () => big);
    await tick();
    expect(forwarder.stats.dropped.full).toEqual({ packs: 0, readings: 0 });
  });

  it('ignores acknowledgements that arrive after stop, without touching the closed database', async () => {
    const { uplink, forwarder, submit } = setup();
    await forwarder.start();
    submit(2);
    await tick();
    await forwarder.stop();
    for (const entry of uplink.sent) entry.done();
    await tick();
    expect(forwarder.stats.packsAcked).toBe(0);
  });

  it('drops for good what the broker refuses for good, and waits before resending after a transient refusal', async () => {
    const { uplink, forwarder, clock, submit } = setup();
    await forwarder.start();
    submit(2);
    await tick();
    uplink.sent[0]!.done(Object.assign(new Error('Payload format invalid'), { code: 0x99 }));
    uplink.sent[1]!.done(Object.assign(new Error('Quota exceeded'), { code: 0x97 }));
    await tick();
    expect(forwarder.stats.dropped.refused).toEqual({ packs: 1, readings: 2 });
    expect(uplink.sent).toHaveLength(2);
    clock.advance(1000);
    await tick();
    expect(uplink.sent).toHaveLength(3);
    expect(JSON.parse(uplink.sent[2]!.message.payload.toString())).toEqual({ boot: 3, seq: 2 });
  });

});

describe('outbox age bound and unset clocks', () => {
  it('never ages out packs stamped before the clock was set', () => {
    const outbox = openSqliteOutbox(join(mkdtempSync(join(tmpdir(), 'fieldnode-rtc-')), 'o.db'), bounds);
    const pack = (createdAt: number) => ({ topic: 't', payload: Buffer.from('x'), readings: 1, boot: 1, seq: 1, createdAt, liveGeneration: 0 });
    outbox.append([pack(60_000), pack(SANE_CLOCK_FLOOR_MS + 1000)], new Set());
    const dropped = outbox.expire(SANE_CLOCK_FLOOR_MS + 10 * 3_600_000, new Set());
    expect(dropped.packs).toBe(1);
    expect(outbox.after(0, 10).map((stored) => stored.createdAt)).toEqual([60_000]);
    outbox.close();
  });
});
