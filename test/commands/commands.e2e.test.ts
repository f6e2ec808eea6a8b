/**
 * Every command verb against a node on a real mosquitto, asked by an MQTT 5 client with a
 * response topic and correlation data: ping, read-now, set-interval, get-config, rebirth,
 * reload-config (bad, restart-only, good during a steady stream, failing and rolled back),
 * and the allow-list.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Catalog } from '../../src/catalog/catalog.js';
import { decodeMessage, type ResolvedRecord } from '../../src/codec/index.js';
import type { Reading } from '../../src/core/reading.js';
import type { DriverDefinition } from '../../src/drivers/driver.js';
import { FieldNode } from '../../src/node.js';
import { createSimulation } from '../../simulators/simulation.js';
import { validateConfig } from '../../src/config/load.js';
import { describeWithBinary } from '../support/binaries.js';
import { Collector, waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';
import { Requester } from './requester.js';

const SITE = 'test-site';
const STATION_SENSORS = [
  { name: 'temperature', unit: 'Cel', key: 't' },
  { name: 'humidity', unit: '%RH', key: 'h' },
];

/** A config (as written in a file) with a weather-station twin and a simulated Pi's health. */
function rawConfig(brokerUrl: string, nodeId: string, dataDir: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dataDir,
    node: { id: nodeId, site: SITE },
    broker: { url: brokerUrl, protocol: '5', ...(more['broker'] as object | undefined) },
    batching: { maxReadings: 8, maxDelayMs: 100 },
    boards: [
      { id: 'station', simulator: { device: 'weather-station', seed: 3, intervalMs: 50 }, device: { type: 'lines' }, sensors: STATION_SENSORS },
      { id: 'health', piSimulator: { seed: 5 }, device: { type: 'gateway-health', intervalMs: 60_000 }, sensors: [{ name: 'cpu', unit: 'Cel', field: 'cpu_temperature' }] },
    ],
    ...Object.fromEntries(Object.entries(more).filter(([key]) => key !== 'broker')),
  };
}

/** A simulation whose drivers also report every reading they emit, to compare with what the broker delivered. */
function tappedSimulation(emitted: Reading[]): Catalog {
  const { catalog } = createSimulation();
  const drivers = Object.fromEntries(
    Object.entries(catalog.drivers).map(([type, driver]) => [
      type,
      { ...driver, create: (device: never, context: { emit(reading: Reading): void }) => (driver.create as (d: never, c: unknown) => unknown)(device, { ...context, emit: (reading: Reading) => (emitted.push(reading), context.emit(reading)) }) } as unknown as DriverDefinition,
    ]),
  );
  return { ...catalog, drivers };
}

interface Running {
  node: FieldNode;
  requester: Requester;
  collector: Collector;
  tree: string;
  emitted: Reading[];
  catalog: Catalog;
  raw: Record<string, unknown>;
}

describeWithBinary('mosquitto', 'mosquitto', 'commands over MQTT 5', () => {
  let broker: MosquittoBroker;
  const running: Running[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterEach(async () => {
    for (const { node, requester, collector } of running.splice(0)) {
      await node.stop();
      await requester.close();
      await collector.close();
    }
  });
  afterAll(() => broker?.close());

  async function startNode(nodeId: string, more: Record<string, unknown> = {}, environment: NodeJS.ProcessEnv = {}): Promise<Running> {
    const emitted: Reading[] = [];
    const catalog = tappedSimulation(emitted);
    const raw = rawConfig(broker.url, nodeId, mkdtempSync(join(tmpdir(), 'fieldnode-commands-')), more);
    const node = new FieldNode(validateConfig(raw, 'test', catalog), { catalog, environment, reloadOpenWithinMs: 1500 });
    const tree = `fieldnode/${SITE}/${nodeId}/`;
    const collector = await Collector.connect(broker.url, `${tree}#`);
    await node.start();
    const requester = await Requester.connect(broker.url, tree);
    const started = { node, requester, collector, tree, emitted, catalog, raw };
    running.push(started);
    await requester.ready();
    return started;
  }

  const records = (collector: Collector, sensor: string) => collector.records.filter((record) => record.name.endsWith(`/${sensor}`));

  it('answers ping with the boot epoch and uptime', async () => {
    const { requester } = await startNode('ping-node');
    const reply = await requester.request('ping');
    expect(reply).toMatchObject({ command: 'ping', ok: true, result: { pong: true, boot: 1, uptimeSeconds: expect.any(Number) } });
  });

  it('reads a polled sensor now, long before its next turn, and waits for the next reading of one that is not polled', async () => {
    const { requester } = await startNode('read-node');
    // The health board polls once a minute: a reading within seconds was asked for.
    const asked = Date.now();
    const cpu = await requester.request('read-now', { board: 'health', sensor: 'cpu' });
    expect(cpu).toMatchObject({ ok: true, result: { board: 'health', name: 'cpu', unit: 'Cel', value: expect.any(Number) } });
    expect(cpu.result!['time'] as number).toBeGreaterThanOrEqual(asked - 5);
    expect(Date.now() - asked).toBeLessThan(3000);
    const temperature = await requester.request('read-now', { board: 'station', sensor: 'temperature', timeoutMs: 5000 });
    expect(temperature).toMatchObject({ ok: true, result: { name: 'temperature', unit: 'Cel', value: expect.any(Number) } });
  });

  it('refuses an unknown board or sensor with the known names, and a bad argument with its path', async () => {
    const { requester } = await startNode('read-refusals');
    expect(await requester.request('read-now', { board: 'attic', sensor: 'cpu' })).toMatchObject({ ok: false, error: 'no board "attic"; boards: station, health' });
    expect(await requester.request('read-now', { board: 'station', sensor: 'wind' })).toMatchObject({ ok: false, error: 'board station has no sensor "wind"; sensors: temperature, humidity' });
    const bad = await requester.request('read-now', { board: 'station', sensor: 'temperature', timeoutMs: 600_000, colour: 'red' });
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([
      { path: 'timeoutMs', message: expect.stringMatching(/60000/) },
      { path: '', message: 'unknown key(s) "colour"' },
    ]);
  });

  it('shows the running config without where its credentials are kept', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'fieldnode-token-')), 'http-token-file');
    writeFileSync(tokenFile, 'a-long-enough-http-token-for-the-test', { mode: 0o600 });
    const { requester } = await startNode(
      'config-node',
      { broker: { username: 'station', password: { env: 'BROKER_PASSWORD_VARIABLE' } }, http: { port: 0, token: { file: tokenFile } } },
      { BROKER_PASSWORD_VARIABLE: 'hunter2' },
    );
    const reply = await requester.request('get-config');
    expect(reply.ok).toBe(true);
    const config = reply.result!['config'] as { broker: Record<string, unknown>; http: Record<string, unknown>; boards: unknown[]; commands: unknown };
    expect(config.broker).toMatchObject({ username: 'station', password: '(redacted)' });
    expect(config.http).toMatchObject({ token: '(redacted)' });
    expect(config.boards).toHaveLength(2);
    expect(config.commands).toEqual({ allow: ['ping', 'rebirth', 'read-now', 'get-config'] });
    const text = JSON.stringify(reply);
    for (const secret of ['hunter2', 'BROKER_PASSWORD_VARIABLE', 'http-token-file']) expect(text).not.toContain(secret);
  });

  it('refuses a verb the allow-list does not name, as not allowed on this node', async () => {
    const { requester, node } = await startNode('allow-node');
    const reply = await requester.request('set-interval', { board: 'health', intervalMs: 500 });
    expect(reply).toEqual({ command: 'set-interval', ok: false, error: 'command "set-interval" is not allowed on this node (commands.allow: ping, rebirth, read-now, get-config)' });
    expect(await requester.request('reload-config')).toMatchObject({ ok: false, error: expect.stringContaining('is not allowed on this node') });
    expect((node.config.boards[1]!.device as unknown as { intervalMs: number }).intervalMs).toBe(60_000);
  });

  it("sets a device's interval through a reload of the boards, and refuses a device that has none", async () => {
    const { requester, node, collector } = await startNode('interval-node', { commands: { allow: ['ping', 'set-interval', 'get-config'] } });
    // Checked by the driver's own rules, as in a config file.
    expect(await requester.request('set-interval', { board: 'health', intervalMs: 200 })).toMatchObject({
      ok: false,
      error: 'the new config has 1 problem(s); nothing was changed',
      problems: [{ path: 'boards[1].device.intervalMs', message: 'Too small: expected number to be >=1000' }],
    });
    const reply = await requester.request('set-interval', { board: 'health', intervalMs: 1000 });
    expect(reply).toMatchObject({ ok: true, result: { applied: true, board: 'health', intervalMs: 1000 } });
    expect((node.config.boards[1]!.device as unknown as { intervalMs: number }).intervalMs).toBe(1000);
    expect(((await requester.request('get-config')).result!['config'] as { boards: { device: { intervalMs?: number } }[] }).boards[1]!.device.intervalMs).toBe(1000);
    // Once a minute before: now every second.
    const before = records(collector, 'cpu').length;
    await waitUntil(() => records(collector, 'cpu').length >= before + 3, 5000, () => `${records(collector, 'cpu').length - before} cpu readings`);
    expect(await requester.request('set-interval', { board: 'station', intervalMs: 200 })).toMatchObject({ ok: false, error: expect.stringMatching(/^board station: a lines device has no intervalMs/) });
    expect(await requester.request('set-interval', { board: 'health', intervalMs: 5 })).toMatchObject({ ok: false, problems: [{ path: 'intervalMs', message: expect.any(String) }] });
  });

  it("sets a sensor's interval as a throttle filter: that sensor slows down, its neighbours do not", async () => {
    const { requester, node, collector } = await startNode('sensor-interval', { commands: { allow: ['ping', 'set-interval'] } });
    await waitUntil(() => records(collector, 'humidity').length > 10, 5000);
    const reply = await requester.request('set-interval', { board: 'station', sensor: 'temperature', intervalMs: 1000 });
    expect(reply).toMatchObject({ ok: true, result: { applied: true, board: 'station', sensor: 'temperature', intervalMs: 1000 } });
    expect(node.config.boards[0]!.sensors[0]!['filters']).toEqual([{ throttle: { intervalMs: 1000 } }]);
    // Readings of the new boards (taken after the reply; the old boards' last packs may still be on
    // their way): the twin emits every 50 ms, the throttle lets one a second through.
    const appliedAt = Date.now() / 1000;
    const taken = () => collector.records.filter((record) => record.time > appliedAt);
    await waitUntil(() => taken().filter((record) => record.name.endsWith('/humidity')).length >= 40, 8000);
    const after = taken();
    const temperatures = after.filter((record) => record.name.endsWith('/temperature')).map((record) => record.time);
    const humidities = after.filter((record) => record.name.endsWith('/humidity')).map((record) => record.time);
    const span = Math.max(...humidities) - Math.min(...humidities);
    expect(temperatures.length).toBeGreaterThanOrEqual(1);
    expect(temperatures.length).toBeLessThanOrEqual(Math.floor(span) + 2);
    for (let index = 1; index < temperatures.length; index++) expect(temperatures[index]! - temperatures[index - 1]!).toBeGreaterThanOrEqual(0.999);
  });

  it('republishes births on rebirth, at most once every 5 s', async () => {
    const { requester, collector, tree } = await startNode('rebirth-node');
    const births = () => collector.messages.filter((message) => message.topic === `${tree}birth`).length;
    const first = births();
    expect(await requester.request('rebirth')).toMatchObject({ ok: true, result: { boot: 1 } });
    await waitUntil(() => births() === first + 1);
    expect(await requester.request('rebirth')).toMatchObject({ ok: false, error: 'rebirth at most once every 5 s' });
  });

  it('refuses a new config with three problems, listing each with its path, and keeps running the old one', async () => {
    const { requester, node, collector, raw } = await startNode('bad-reload', { commands: { allow: ['ping', 'reload-config'] } });
    const broken = structuredClone(raw) as { batching: Record<string, unknown>; boards: { device: Record<string, unknown>; sensors: Record<string, unknown>[] }[]; commands: Record<string, unknown> };
    broken.batching['maxReadings'] = 0;
    broken.boards[1]!.sensors[0]!['field'] = 'cpu_temprature';
    broken.commands = { allow: ['ping', 'shutdown'] };
    const reply = await requester.request('reload-config', { config: stringify(broken) });
    expect(reply.ok).toBe(false);
    expect(reply.error).toBe('the new config has 3 problem(s); nothing was changed');
    expect(reply.problems!.map((problem) => problem.path).sort()).toEqual(['batching.maxReadings', 'boards[1].sensors[0].field', 'commands.allow[1]']);
    expect(node.config.batching.maxReadings).toBe(8);
    const before = records(collector, 'temperature').length;
    await waitUntil(() => records(collector, 'temperature').length > before + 5, 5000, () => 'readings of the old config after the refused reload');
  });

  it('refuses a reload that changes what needs a restart, naming each path', async () => {
    const { requester, node } = await startNode('restart-reload', { commands: { allow: ['ping', 'reload-config'] } });
    const changed = { ...rawConfig(broker.url, 'restart-reload', node.config.dataDir), node: { id: 'restart-reload', site: 'elsewhere' }, outbox: { maxInFlight: 4 }, commands: { allow: ['ping', 'reload-config'] } };
    const reply = await requester.request('reload-config', { config: JSON.stringify(changed) });
    expect(reply).toMatchObject({ ok: false, error: '2 change(s) need a restart; nothing was changed' });
    expect(reply.problems!.map((problem) => problem.path)).toEqual(['node.site', 'outbox.maxInFlight']);
    expect(reply.problems![0]!.message).toMatch(/needs a restart/);
  });

  it('applies a good reload during a steady stream: no reading lost, none out of order, births for the new sensors', async () => {
    const { requester, node, collector, tree, emitted, raw } = await startNode('good-reload', { commands: { allow: ['ping', 'reload-config'] } });
    await waitUntil(() => records(collector, 'temperature').length > 20, 5000);
    const next = structuredClone(raw) as { batching: Record<string, unknown>; boards: Record<string, unknown>[]; commands: unknown };
    next.batching = { maxReadings: 3, maxDelayMs: 50 };
    (next.boards[0]!['sensors'] as unknown[]).push({ name: 'pressure', unit: 'Pa', key: 'p' });
    next.boards.push({ id: 'attic', simulator: { device: 'weather-station', seed: 9, intervalMs: 70 }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }] });
    const reply = await requester.request('reload-config', { config: stringify(next) });
    expect(reply).toMatchObject({ ok: true, result: { applied: true, boards: ['station', 'health', 'attic'], sensors: 5, from: 'request' } });
    await waitUntil(() => records(collector, 'pressure').length > 20 && collector.records.some((record) => record.name.includes('/attic/')), 5000, () => 'readings of the new config');
    await node.stop();
    await waitUntil(() => collector.records.length >= emitted.length, 5000, () => `${collector.records.length} of ${emitted.length} readings`);
    // Every reading the drivers emitted arrived, once, in the order emitted per board. Times are
    // compared to within 20 ms: a reading is dated from the monotonic stamp taken when it is
    // emitted, by the trusted offset, and on a loaded machine that stamp can trail the driver's
    // read of the wall clock by a preemption or a GC pause (3 ms seen), besides the rounding of
    // either clock. A wrong offset, or a line dated by the next (50 ms apart), is off by more.
    const ordered = <T extends { name: string; value: unknown; timeMs: number }>(list: T[]) =>
      [...list].sort((a, b) => a.name.localeCompare(b.name) || String(a.value).localeCompare(String(b.value)) || a.timeMs - b.timeMs);
    const arrived = ordered(collector.records.map((record) => ({ name: record.name.split('/').at(-1)!, value: record.value, timeMs: record.time * 1000 })));
    const expected = ordered(emitted.map((reading) => ({ name: reading.name, value: reading.value, timeMs: reading.time })));
    expect(arrived.map(({ name, value }) => `${name} ${String(value)}`)).toEqual(expected.map(({ name, value }) => `${name} ${String(value)}`));
    arrived.forEach((reading, index) => expect(Math.abs(reading.timeMs - expected[index]!.timeMs), `${reading.name} ${String(reading.value)}`).toBeLessThanOrEqual(20));
    const data = collector.messages.filter((message) => message.topic.endsWith('/data')).map((message) => decodeMessage(message.payload));
    const seqs = data.map((message) => message.session!.seq);
    expect(new Set(data.map((message) => message.session!.boot))).toEqual(new Set([1]));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, index) => index + 1));
    const bySensor = new Map<string, ResolvedRecord[]>();
    for (const record of collector.records) bySensor.set(record.name, [...(bySensor.get(record.name) ?? []), record]);
    for (const [name, list] of bySensor) {
      const times = list.map((record) => record.time);
      expect(times, name).toEqual([...times].sort((a, b) => a - b));
    }
    const births = collector.messages.filter((message) => message.topic === `${tree}birth`).map((message) => JSON.parse(message.payload.toString()) as { boards: { board: string }[] });
    expect(births.at(-1)!.boards.map((board) => board.board)).toEqual(['station', 'health', 'attic']);
    const atticBirth = collector.messages.filter((message) => message.topic === `${tree}attic/birth`);
    expect(atticBirth.length).toBeGreaterThan(0);
    expect(JSON.stringify(JSON.parse(collector.messages.filter((message) => message.topic === `${tree}station/birth`).at(-1)!.payload.toString()))).toContain('pressure');
  });

  it('leaves no retained birth or status of a board a reload removed', async () => {
    const { requester, tree, raw } = await startNode('board-removed', { commands: { allow: ['ping', 'reload-config'] } });
    const next = structuredClone(raw) as { boards: unknown[] };
    next.boards = next.boards.slice(0, 1);
    expect(await requester.request('reload-config', { config: stringify(next) })).toMatchObject({ ok: true, result: { applied: true, boards: ['station'] } });
    // A consumer that joins now gets the retained messages of the node as it is.
    const late = await Collector.connect(broker.url, `${tree}#`);
    try {
      await waitUntil(() => late.messages.some((message) => message.topic === `${tree}station/birth`), 5000);
      await requester.request('ping');
      const retained = new Set(late.messages.filter((message) => message.payload.length > 0).map((message) => message.topic));
      expect(retained.has(`${tree}station/status`)).toBe(true);
      expect([...retained].filter((topic) => topic.startsWith(`${tree}health/`))).toEqual([]);
    } finally {
      await late.close();
    }
  });

  it('rolls back to the old boards when a new board does not open, and says why', async () => {
    const { requester, node, collector, raw } = await startNode('rollback-node', { commands: { allow: ['ping', 'reload-config', 'read-now'] } });
    const next = structuredClone(raw) as { boards: Record<string, unknown>[] };
    next.boards.push({ id: 'missing', port: '/dev/ttyFIELDNODE-NO-SUCH-PORT', device: { type: 'lines' }, sensors: [{ name: 'level', key: 'L' }] });
    const reply = await requester.request('reload-config', { config: stringify(next) });
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/^the new boards did not start, the previous ones run again: board missing did not open within 1500 ms \(.*ttyFIELDNODE-NO-SUCH-PORT/);
    expect(node.config.boards.map((board) => board.id)).toEqual(['station', 'health']);
    const before = records(collector, 'temperature').length;
    await waitUntil(() => records(collector, 'temperature').length > before + 5, 5000, () => 'readings of the old boards after the rollback');
    expect(await requester.request('read-now', { board: 'health', sensor: 'cpu' })).toMatchObject({ ok: true });
  });

  it('answers a second reload while one is applied as busy', async () => {
    const { requester, raw } = await startNode('busy-node', { commands: { allow: ['ping', 'reload-config'] } });
    const next = structuredClone(raw) as { boards: Record<string, unknown>[] };
    next.boards.push({ id: 'missing', port: '/dev/ttyFIELDNODE-NO-SUCH-PORT', device: { type: 'lines' }, sensors: [{ name: 'level', key: 'L' }] });
    const [first, second] = await Promise.all([requester.request('reload-config', { config: stringify(next) }), requester.request('reload-config', { config: stringify(next) })]);
    expect([first.error, second.error].filter((error) => error?.startsWith('busy'))).toHaveLength(1);
  });
});
