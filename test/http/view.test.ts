/**
 * The view the page and metrics read: bounded history, the last warnings, the snapshot of a
 * run's outbox and connection, readiness, and the `http:` section's checks.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { CorrectedClock } from '../../src/core/corrected-clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { notReadyReason } from '../../src/http/health.js';
import { HISTORY_MAX_POINTS, HISTORY_WINDOW_MS } from '../../src/http/history.js';
import { tapLogger } from '../../src/http/log-tap.js';
import { NodeView, type ReadingEvent, type RunSources } from '../../src/http/view.js';
import { memoryLogger } from '../support/memory-logger.js';
import { validateSimulated } from '../support/simulated-node.js';

/** A config with this `http:` section ('none': without one). */
function stationConfig(http: unknown = {}) {
  return validateSimulated({
    dataDir: '/tmp/unused',
    node: { id: 'view-node', site: 'test-site' },
    broker: { url: 'mqtt://127.0.0.1:1883' },
    ...(http === 'none' ? {} : { http }),
    boards: [{ id: 'station', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }, { name: 'humidity', unit: '%RH', key: 'h' }] }],
  });
}

function viewOn(virtual = new VirtualClock()) {
  const clock = new CorrectedClock(virtual, silentLogger);
  const view = new NodeView({ config: stationConfig(), version: '1.2.3', clock, problems: () => ({ 'bad-line': 2 }) });
  return { view, virtual, clock };
}

const run: RunSources = {
  boot: 7,
  totals: () => ({ packs: 3, readings: 30, bytes: 900 }),
  held: () => ({ packs: 0 }),
  oldestCreatedAt: () => Date.UTC(2026, 0, 1) - 60_000,
  dropped: () => ({ full: { packs: 1, readings: 10 } }),
  drain: () => undefined,
};

describe('the node view', () => {
  it('follows a reload: a board that stays keeps its link and latest values, a new one starts closed, a removed one goes', () => {
    const { view, virtual } = viewOn();
    view.linkChanged('station', 'open');
    view.readings('station', [{ name: 'temperature', unit: 'Cel', value: 21.5, time: virtual.now() }]);
    const next = validateSimulated({
      dataDir: '/tmp/unused',
      node: { id: 'view-node', site: 'test-site' },
      broker: { url: 'mqtt://127.0.0.1:1883' },
      boards: [
        { id: 'station', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }, { name: 'pressure', unit: 'Pa', key: 'p' }] },
        { id: 'attic', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }] },
      ],
    });
    view.reconfigure(next.boards);
    const boards = view.snapshot().boards;
    expect(boards.map((board) => [board.id, board.link])).toEqual([['station', 'open'], ['attic', 'closed']]);
    expect(boards[0]!.sensors).toEqual([{ name: 'temperature', unit: 'Cel', value: 21.5, time: virtual.now() }, { name: 'pressure', unit: 'Pa' }]);
    expect(boards[1]!.sensors).toEqual([{ name: 'temperature', unit: 'Cel' }]);
  });

  it('keeps the latest value of every sensor, passes readings on, and counts them per sensor', () => {
    const { view, virtual } = viewOn();
    const seen: ReadingEvent[][] = [];
    let changes = 0;
    const stopReadings = view.onReadings((readings) => seen.push(readings));
    view.onChange(() => changes++);
    view.readings('station', [{ name: 'temperature', unit: 'Cel', value: 21.5, time: virtual.now() }, { name: 'status', value: 'ok', time: virtual.now() }]);
    stopReadings();
    view.readings('station', [{ name: 'temperature', unit: 'Cel', value: 22, time: virtual.now() + 1000 }]);
    expect(seen).toEqual([[{ board: 'station', name: 'temperature', unit: 'Cel', value: 21.5, time: virtual.now() }, { board: 'station', name: 'status', value: 'ok', time: virtual.now() }]]);
    expect(changes).toBe(2);
    const board = view.snapshot().boards[0]!;
    expect(board).toMatchObject({ id: 'station', device: 'lines', link: 'closed', problems: { 'bad-line': 2 } });
    expect(board.sensors).toEqual([
      { name: 'temperature', unit: 'Cel', value: 22, time: virtual.now() + 1000 },
      { name: 'humidity', unit: '%RH' },
      { name: 'status', value: 'ok', time: virtual.now() },
    ]);
    expect(Object.fromEntries(view.readingTotals())).toEqual({ 'station/temperature': 2, 'station/status': 1 });
  });

  it('keeps 15 minutes of history, at most one point a second and 900 per sensor', () => {
    const { view, virtual } = viewOn();
    const start = virtual.now();
    // Ten readings a second for 20 minutes.
    for (let ms = 0; ms < 20 * 60_000; ms += 100) view.readings('station', [{ name: 'temperature', unit: 'Cel', value: ms, time: start + ms }]);
    virtual.advance(20 * 60_000);
    const points = view.history()['station/temperature']!;
    expect(points.length).toBeLessThanOrEqual(HISTORY_MAX_POINTS);
    expect(points.length).toBeGreaterThan(HISTORY_MAX_POINTS - 5);
    expect(points[0]![0]).toBeGreaterThanOrEqual(virtual.now() - HISTORY_WINDOW_MS);
    // The latest value of each second is the one kept.
    expect(points.at(-1)).toEqual([start + 20 * 60_000 - 100, 20 * 60_000 - 100]);
    // Old points leave as time passes, even without new readings.
    virtual.advance(HISTORY_WINDOW_MS);
    expect(view.history()['station/temperature']).toEqual([]);
  });

  it('shows the run: boot, outbox totals, age of the oldest pack, drops, connection and reconnects; the broker URL has no credentials', () => {
    const { view, virtual } = viewOn();
    view.attach(run);
    view.linkChanged('station', 'open');
    view.brokerConnected();
    virtual.advance(1000);
    view.brokerDisconnected();
    view.brokerConnected();
    const latencies: number[] = [];
    view.onAck((latencyMs) => latencies.push(latencyMs));
    view.acknowledged(12);
    expect(latencies).toEqual([12]);
    const snapshot = view.snapshot();
    expect(snapshot.node).toMatchObject({ id: 'view-node', site: 'test-site', version: '1.2.3', boot: 7, clock: { corrected: false } });
    expect(snapshot.broker).toEqual({ url: 'mqtt://127.0.0.1:1883', connected: true, since: virtual.now(), lastAckAt: virtual.now(), reconnects: 1 });
    expect(snapshot.outbox).toEqual({ packs: 3, readings: 30, bytes: 900, oldestAgeSeconds: 61, dropped: { full: { packs: 1, readings: 10 } } });
    expect(snapshot.boards[0]!.link).toBe('open');
    view.linkChanged('station', 'closed', 'unplugged');
    view.detach();
    const after = view.snapshot();
    expect(after.boards[0]).toMatchObject({ link: 'closed', reason: 'unplugged' });
    expect(after.node.boot).toBe(7);
    expect(after.broker.connected).toBe(false);
    expect(view.outboxState().open).toBe(false);
  });

  it('keeps the last 50 warnings and errors from a tapped logger and its children, and names the clock source', () => {
    const { view, virtual, clock } = viewOn();
    const log = memoryLogger();
    const logger = tapLogger(log, (level, message, fields) => view.logged(level, message, fields));
    logger.info({}, 'not kept');
    for (let index = 0; index < 60; index++) logger.child({ board: 'station' }).warn({}, `warning ${index}`);
    logger.child({ component: 'uplink' }).error({}, 'broker refused');
    const corrected = new CorrectedClock(virtual, logger.child({ component: 'clock' }));
    corrected.offer(virtual.now() + 60_000, 'gps');
    const snapshot = view.snapshot();
    expect(snapshot.log).toHaveLength(50);
    expect(snapshot.log.at(-2)).toEqual({ time: clock.now(), level: 'error', msg: 'uplink: broker refused' });
    expect(snapshot.log.at(-1)?.msg).toMatch(/^clock: wall clock corrected from gps/);
    expect(snapshot.log[0]?.msg).toBe('station: warning 12');
    // Everything still reached the real log.
    expect(log.entries).toHaveLength(63);
  });
});

describe('readiness', () => {
  const state = { open: true, connected: false, bytes: 0, maxBytes: 100_000, heldPacks: 0 };
  it('is ready when connected, or riding out an outage with room left', () => {
    expect(notReadyReason({ ...state, connected: true, bytes: 100_000 })).toBeUndefined();
    expect(notReadyReason(state)).toBeUndefined();
  });
  it('says why not: closed outbox, full outbox, or a disk that refuses writes', () => {
    expect(notReadyReason({ ...state, open: false })).toMatch(/outbox is closed/);
    expect(notReadyReason({ ...state, bytes: 99_000 })).toMatch(/^broker not connected and the outbox is full/);
    expect(notReadyReason({ ...state, heldPacks: 2 })).toMatch(/disk refuses/);
  });
});

describe('the http section', () => {
  it('defaults to 127.0.0.1:8080 with no token', () => {
    expect(stationConfig({}).http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(stationConfig('none').http).toBeUndefined();
  });
  it('refuses another address without a token, at http.token', () => {
    expect(() => stationConfig({ host: '0.0.0.0' })).toThrow(/http\.token.*binding 0\.0\.0\.0 needs a token/s);
    expect(stationConfig({ host: '0.0.0.0', token: { env: 'FIELDNODE_HTTP_TOKEN' } }).http?.host).toBe('0.0.0.0');
    expect(() => stationConfig({ port: 70_000 })).toThrow(/http\.port/);
  });
});
