/**
 * The tail's events from crafted messages, and how they print: gaps and duplicates relative
 * to where the tail joined, board and sensor filters, status changes worth showing, colour
 * only when asked, and network text that cannot rewrite a terminal.
 */
import { describe, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { TailDecoder, type TailEvent } from '../../src/tail/events.js';
import { eventJson, formatEvent, wantsColour } from '../../src/tail/format.js';
import type { TailSelection } from '../../src/tail/filter.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const everything: TailSelection = { prefix: 'fieldnode', site: '+', node: '+' };

function pack(board: string, seq: number, readings: Record<string, number> = { temperature: 21.5 }, boot = 3) {
  const payload = encodePack(
    Object.entries(readings).map(([name, value]) => ({ name, value, unit: 'Cel', time: T0 + seq * 1000 })),
    `ws-01/${board}/`,
    { boot, seq },
  );
  return { topic: `fieldnode/site-a/ws-01/${board}/data`, payload, retained: false };
}

const json = (topic: string, body: unknown, retained = false) => ({ topic, payload: Buffer.from(JSON.stringify(body)), retained });
const kinds = (events: TailEvent[]) => events.map((event) => event.kind);
const text = (events: TailEvent[]) => events.map((event) => formatEvent(event, { colour: false, now: T0 }));

describe('tail events', () => {
  it('takes the first pack seen as its starting point, and reports a skipped run of numbers once, with the board whose pack showed it', () => {
    const decoder = new TailDecoder(everything);
    expect(kinds(decoder.receive(pack('air', 40)))).toEqual(['reading']);
    expect(kinds(decoder.receive(pack('air', 41)))).toEqual(['reading']);
    const jumped = decoder.receive(pack('air', 45));
    expect(kinds(jumped)).toEqual(['gap', 'reading']);
    expect(eventJson(jumped[0]!)).toEqual({ kind: 'gap', site: 'site-a', node: 'ws-01', board: 'air', boot: 3, from: 42, to: 44, missing: 3, seq: 45 });
    expect(text(jumped)[0]).toBe("12:00:00.000  site-a/ws-01  gap: 3 packs missing (seq 42-44, boot 3) before board air's pack 45");
    // A late pack fills the hole quietly; a second copy of a pack is a duplicate, its readings not repeated.
    expect(kinds(decoder.receive(pack('air', 43)))).toEqual(['reading']);
    expect(kinds(decoder.receive(pack('air', 43)))).toEqual(['duplicate']);
    // Another boot starts afresh.
    expect(kinds(decoder.receive(pack('air', 7, undefined, 4)))).toEqual(['reading']);
  });

  it('counts every board of a node in its sequence, but shows only the board and sensor asked for', () => {
    const decoder = new TailDecoder({ ...everything, board: 'roof', sensor: 'humidity' });
    expect(decoder.receive(pack('station', 1, { temperature: 20, humidity: 50 }))).toEqual([]);
    const roof = decoder.receive(pack('roof', 2, { temperature: 19, humidity: 61 }));
    expect(roof.map((event) => eventJson(event))).toMatchObject([{ kind: 'reading', board: 'roof', sensor: 'humidity', value: 61, boot: 3, seq: 2 }]);
    // A station pack between roof packs is no gap; a real one is shown whichever board lost packs.
    expect(decoder.receive(pack('station', 3))).toEqual([]);
    expect(kinds(decoder.receive(pack('station', 6)))).toEqual(['gap']);
    expect(decoder.receive(json('fieldnode/site-a/ws-01/station/status', { state: 'offline', boot: 3 }))).toEqual([]);
    expect(kinds(decoder.receive(json('fieldnode/site-a/ws-01/roof/status', { state: 'offline', boot: 3, reason: 'hung up' })))).toEqual(['status']);
  });

  it('shows a node status again only when it says something new, and a drain as progress', () => {
    const decoder = new TailDecoder(everything);
    const status = (extra: Record<string, unknown>) => decoder.receive(json('fieldnode/site-a/ws-01/status', { state: 'online', boot: 3, time: '2026-03-01T12:00:05.000Z', outbox: { packs: 0, readings: 0, bytes: 0 }, held: { packs: 0, readings: 0, bytes: 0 }, dropped: {}, problems: {}, ...extra }));
    expect(text(status({}))).toEqual(['12:00:05.000  site-a/ws-01  online']);
    expect(status({})).toEqual([]);
    expect(text(status({ outbox: { packs: 1200, readings: 14_000, bytes: 1 }, drain: { packs: 1200, readings: 14_000, readingsPerSecond: 500, etaSeconds: 27.2 } }))).toEqual([
      '12:00:05.000  site-a/ws-01  online  draining 14000 readings (1200 packs) left at 500/s, about 28 s to go',
    ]);
    expect(text(status({ outbox: { packs: 30, readings: 300, bytes: 1 }, dropped: { full: { packs: 5, readings: 60 } }, problems: { station: { 'malformed-line': 3 } } }))).toEqual([
      '12:00:05.000  site-a/ws-01  online  backlog 30 packs (300 readings), dropped (full) 5 packs, station: malformed-line ×3',
    ]);
    // 30 → 31 packs of backlog is the same picture; 30 → 0 is not.
    expect(status({ outbox: { packs: 31, readings: 310, bytes: 1 }, dropped: { full: { packs: 5, readings: 60 } }, problems: { station: { 'malformed-line': 3 } } })).toEqual([]);
    expect(kinds(status({ dropped: { full: { packs: 5, readings: 60 } }, problems: { station: { 'malformed-line': 3 } } }))).toEqual(['status']);
    expect(text(decoder.receive(json('fieldnode/site-a/ws-01/status', { state: 'offline', boot: 3, time: '2026-03-01T12:00:09.000Z' }, true)))).toEqual(['12:00:09.000  site-a/ws-01  offline (retained)']);
  });

  it('describes births of a node and of a board', () => {
    const decoder = new TailDecoder(everything);
    const sensors = [{ name: 'pm2_5', unit: 'ug/m3' }, { name: 'pm10', unit: 'ug/m3' }];
    const node = decoder.receive(json('fieldnode/site-a/ws-01/birth', { node: 'ws-01', site: 'site-a', version: '0.9.0', boot: 3, time: '2026-03-01T12:00:00.000Z', boards: [{ board: 'air', device: 'sds011', source: '/dev/ttyUSB0', sensors }] }, true));
    expect(text(node)).toEqual(['12:00:00.000  site-a/ws-01  birth fieldnode 0.9.0, boot 3, 1 board: air (sds011 on /dev/ttyUSB0: pm2_5 ug/m3, pm10 ug/m3) (retained)']);
    const board = decoder.receive(json('fieldnode/site-a/ws-01/air/birth', { board: 'air', boot: 3, device: 'sds011', source: '/dev/ttyUSB0', sensors, time: '2026-03-01T12:00:00.000Z' }));
    expect(text(board)).toEqual(['12:00:00.000  site-a/ws-01/air  birth sds011 on /dev/ttyUSB0: pm2_5 ug/m3, pm10 ug/m3 (boot 3)']);
    expect(eventJson(board[0]!)).toMatchObject({ kind: 'birth', site: 'site-a', node: 'ws-01', board: 'air', retained: false, birth: { device: 'sds011' } });
  });

  it('reports what it cannot read instead of failing', () => {
    const decoder = new TailDecoder(everything);
    expect(kinds(decoder.receive({ topic: 'fieldnode/site-a/ws-01/air/data', payload: Buffer.from([0xff, 0x00]), retained: false }))).toEqual(['undecodable']);
    expect(kinds(decoder.receive(json('fieldnode/site-a/ws-01/status', { nothing: true })))).toEqual(['undecodable']);
  });
});

describe('tail output', () => {
  it('colours by meaning only when asked, and escapes control characters from the network first', () => {
    const decoder = new TailDecoder(everything);
    const [offline] = decoder.receive(json('fieldnode/site-a/ws-01/air/status', { state: 'offline', boot: 3, reason: 'hung up\u001b[2J', time: '2026-03-01T12:00:00.000Z' }));
    expect(formatEvent(offline!, { colour: true, now: T0 })).toBe('\u001b[31m12:00:00.000  site-a/ws-01/air  offline: hung up\\u001b[2J\u001b[0m');
    expect(formatEvent(offline!, { colour: false, now: T0 })).toBe('12:00:00.000  site-a/ws-01/air  offline: hung up\\u001b[2J');
    const [online] = decoder.receive(json('fieldnode/site-a/ws-01/air/status', { state: 'online', boot: 3 }));
    expect(formatEvent(online!, { colour: true, now: T0 })).toBe('\u001b[32m12:00:00.000  site-a/ws-01/air  online\u001b[0m');
  });

  it('uses colour at a terminal unless NO_COLOR is set, and never in a pipe', () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
  });
});
