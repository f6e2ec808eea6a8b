/**
 * Start, stop and start again, on real parts: an embedded broker, the SQLite outbox in a
 * temporary data directory, and simulated boards of each link (a serial twin, a Firmata twin,
 * a simulated Pi's files and its header). Whatever a start creates, the stop disposes: each
 * reading is published once, a driver opens once per start and closes once per stop, a run's
 * listeners are not called by the next, and after the last stop no timer, socket, file request
 * or subscription is left.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { BoardRuntime } from '../../src/boards/board-runtime.js';
import type { LinkSources } from '../../src/transports/link-sources.js';
import type { BoardConfig } from '../../src/config/board-schema.js';
import type { NodeConfig } from '../../src/config/schema.js';
import { VirtualClock } from '../../src/core/clock.js';
import { CorrectedClock } from '../../src/core/corrected-clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Reading } from '../../src/core/reading.js';
import type { DeviceBinding, DriverContext, DriverDefinition, DriverInstance } from '../../src/drivers/driver.js';
import type { SerialPortLink } from '../../src/transports/firmata.js';
import type { Link } from '../../src/transports/link.js';
import { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { createSimulation } from '../../simulators/simulation.js';
import { Collector, waitUntil } from '../support/collector.js';
import { validateSimulated } from '../support/simulated-node.js';

const START = Date.UTC(2026, 5, 1, 6);

/** How often each board's driver instance was told its link opened and closed, by board id. */
class DriverCalls {
  readonly opens = new Map<string, number>();
  readonly closes = new Map<string, number>();

  record(kind: 'opens' | 'closes', boardId: string): void {
    this[kind].set(boardId, (this[kind].get(boardId) ?? 0) + 1);
  }

  of(boardId: string): { opens: number; closes: number } {
    return { opens: this.opens.get(boardId) ?? 0, closes: this.closes.get(boardId) ?? 0 };
  }
}

/** The driver with every instance it creates counting its onOpen and onClose calls; the instance is otherwise untouched. */
function countingDriver(driver: DriverDefinition, calls: DriverCalls): DriverDefinition {
  const count = (instance: DriverInstance, boardId: string): DriverInstance => {
    const { onOpen, onClose } = instance;
    instance.onOpen = () => {
      calls.record('opens', boardId);
      onOpen?.call(instance);
    };
    instance.onClose = () => {
      calls.record('closes', boardId);
      onClose?.call(instance);
    };
    return instance;
  };
  return { ...driver, create: (device: DeviceBinding<unknown, unknown>, context: DriverContext) => count(driver.create(device as never, context as never), device.boardId) } as DriverDefinition;
}

/** How many listeners are subscribed to a link through its public onData and onStatus, now. */
interface Subscriptions {
  readonly count: number;
}

/** Counts the subscriptions made to `link` from now on, and their removals. */
function watchSubscriptions<T extends Link & { onData?: (listener: (chunk: Buffer) => void) => () => void }>(link: T): Subscriptions {
  const counter = { count: 0 };
  const counted =
    <Listener,>(subscribe: (listener: Listener) => () => void) =>
    (listener: Listener) => {
      const unsubscribe = subscribe(listener);
      counter.count++;
      let subscribed = true;
      return () => {
        if (subscribed) counter.count--;
        subscribed = false;
        unsubscribe();
      };
    };
  link.onStatus = counted(link.onStatus.bind(link));
  if (link.onData) link.onData = counted(link.onData.bind(link));
  return counter;
}

/** A catalog whose drivers count their instances' opens and closes, and whose serial ports count their subscriptions. */
function countingCatalog(base: Catalog, calls: DriverCalls, serialSubscriptions: Map<string, Subscriptions>): Catalog {
  const drivers = Object.fromEntries(Object.entries(base.drivers).map(([type, driver]) => [type, countingDriver(driver, calls)]));
  const links: LinkSources = {
    serialPort(request) {
      const port: SerialPortLink = base.links.serialPort(request);
      serialSubscriptions.set(request.board.id, watchSubscriptions(port));
      return port;
    },
    pi: (request) => base.links.pi(request),
  };
  return { ...base, drivers, links };
}

/** Resources of the process that a leak would leave behind, by type. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Types whose count grew from `before` to now (among those a running node creates). */
function grownResources(before: Record<string, number>): Record<string, number> {
  const now = activeResources();
  return Object.fromEntries(['Timeout', 'TCPSocketWrap', 'FSReqCallback', 'FSReqPromise', 'Immediate'].filter((type) => (now[type] ?? 0) > (before[type] ?? 0)).map((type) => [type, now[type]!]));
}

/** Listener counts of the process's own events (exit, signals, warnings). */
function processListeners(): Record<string, number> {
  return Object.fromEntries(process.eventNames().map((name) => [String(name), process.listenerCount(name)]));
}

/** Moves virtual time in small steps, letting real I/O (the broker, johnny-five) run between them, until `condition` holds. */
async function advanceUntil(clock: VirtualClock, condition: () => boolean, describe: () => string, stepMs = 50): Promise<void> {
  await waitUntil(
    () => {
      if (condition()) return true;
      clock.advance(stepMs);
      return false;
    },
    20_000,
    describe,
  );
}

const BOARD_IDS = ['air', 'rain', 'water', 'hall'] as const;

/** A board of each link: a serial twin, a Firmata twin with a pin device, a simulated Pi's files and its header. */
function fourBoardConfig(brokerUrl: string): NodeConfig {
  return validateSimulated({
    dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-lifecycle-')),
    node: { id: 'cycle-node', site: 'lab' },
    broker: { url: brokerUrl, protocol: '3.1.1', reconnect: { initialDelayMs: 100, maxDelayMs: 200 } },
    batching: { maxReadings: 4, maxDelayMs: 100 },
    boards: [
      { id: 'air', simulator: { device: 'sds011', seed: 1, intervalMs: 1000 }, device: { type: 'sds011' }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }] },
      {
        id: 'rain',
        simulator: { device: 'firmata-board', seed: 2, rainGauge: { pin: 2, tipsPerHour: 3600 } },
        device: { type: 'pulse-counter', intervalMs: 1000 },
        sensors: [{ name: 'rain_total', unit: 'mm', pin: 2, field: 'total', scale: 0.2 }],
      },
      { id: 'water', piSimulator: { seed: 3, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }] }, device: { type: 'ds18b20', intervalMs: 1000 }, sensors: [{ name: 'water', unit: 'Cel', sensorId: '28-0316a2795cff' }] },
      {
        id: 'hall',
        gpio: { pollIntervalMs: 5 },
        piSimulator: { seed: 4, gpio: [{ line: 17, device: 'pir', meanIntervalMs: 2000 }] },
        device: { type: 'digital' },
        sensors: [{ name: 'motion', pin: 17, pullup: false, activeLow: false, debounceMs: 0 }],
      },
    ],
  });
}

describe('a node started, stopped and started again', () => {
  it('publishes each reading once, opens each driver once per start, keeps each run to its own session, and leaves nothing behind', async () => {
    const broker = await startEmbeddedBroker();
    const data = await Collector.connect(broker.url, 'fieldnode/lab/cycle-node/+/data', 4);
    const statuses = await Collector.connect(broker.url, 'fieldnode/lab/cycle-node/+/status', 4);
    const clock = new VirtualClock(START);
    const calls = new DriverCalls();
    const serialSubscriptions = new Map<string, Subscriptions>();
    const simulation = createSimulation();
    const catalog = countingCatalog(simulation.catalog, calls, serialSubscriptions);
    const config = fourBoardConfig(broker.url);
    // johnny-five adds process listeners of its own once, when first loaded, which is at the
    // first pin board's start: loaded before the baseline, so the check sees only what the node leaves.
    await import('johnny-five');
    // Taken with the broker and the subscribers running: what the node adds is what must go away.
    const resourcesBefore = activeResources();
    const listenersBefore = processListeners();
    const node = new FieldNode(config, { clock, catalog });
    const published = () => data.records.filter((record) => record.name.startsWith('cycle-node/'));
    const publishedOf = (boardId: string) => published().filter((record) => record.name.startsWith(`cycle-node/${boardId}/`)).length;
    const totalReadings = () => Object.values(node.stats().boards).reduce((sum, board) => sum + board.readings, 0);
    try {
      for (let run = 1; run <= 2; run++) {
        const before = Object.fromEntries(BOARD_IDS.map((id) => [id, publishedOf(id)]));
        await node.start();
        expect(node.boot).toBe(run);
        // Every board publishes again in this run, the Pi's header at least the PIR's state on opening.
        await advanceUntil(
          clock,
          () => BOARD_IDS.every((id) => publishedOf(id) >= before[id]! + (id === 'hall' ? 1 : 2)),
          () => `run ${run}: published per board ${JSON.stringify(Object.fromEntries(BOARD_IDS.map((id) => [id, publishedOf(id) - before[id]!])))}`,
        );
        for (const id of BOARD_IDS) expect(calls.of(id), `${id} in run ${run}`).toEqual({ opens: run, closes: run - 1 });
        await node.stop();
        for (const id of BOARD_IDS) expect(calls.of(id), `${id} after stop ${run}`).toEqual({ opens: run, closes: run });
        // A stopped node's serial ports have no listener left: the next run subscribes afresh.
        for (const [id, subscriptions] of serialSubscriptions) expect(subscriptions.count, `${id}'s port after stop ${run}`).toBe(0);
        expect(clock.pendingTimers(), `virtual timers after stop ${run}`).toBe(0);
      }
      // Every reading reaches the broker, and none twice: the second run resends nothing the first delivered.
      await waitUntil(() => published().length >= totalReadings(), 10_000, () => `${published().length} of ${totalReadings()} readings published`);
      const keys = published().map((record) => `${record.name}@${record.time}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(totalReadings());

      // Each run's session alone follows the boards: online when it opened them, offline when it stopped.
      await waitUntil(() => statuses.messages.length >= BOARD_IDS.length * 4, 5000, () => `${statuses.messages.length} board statuses`);
      for (const id of BOARD_IDS) {
        const sequence = statuses.messages
          .filter((message) => message.topic === `fieldnode/lab/cycle-node/${id}/status`)
          .map((message) => JSON.parse(message.payload.toString()) as { state: string; boot: number })
          .map((status) => `${status.boot}:${status.state}`);
        expect(sequence, id).toEqual(['1:online', '1:offline', '2:online', '2:offline']);
      }
      expect(Object.values(node.stats().boards).map((board) => board.problems)).toEqual(BOARD_IDS.map(() => ({})));

      // Nothing the node made outlives it: the simulated Pis are deleted, and no handle or process listener is left.
      for (const id of ['water', 'hall']) expect(existsSync(simulation.pi(id)?.root ?? ''), `${id}'s simulated Pi`).toBe(false);
      await waitUntil(() => Object.keys(grownResources(resourcesBefore)).length === 0, 5000, () => `resources to be released: ${JSON.stringify(grownResources(resourcesBefore))} more than ${JSON.stringify(resourcesBefore)}`);
      expect(processListeners()).toEqual(listenersBefore);
    } finally {
      await node.stop();
      await data.close();
      await statuses.close();
      await broker.close();
    }
  });
});

/** One board of each link kind, as the node would build it, but alone. */
const SINGLE_BOARDS: Record<string, Record<string, unknown>> = {
  // Its filters keep timers of their own (a timeout, a heartbeat, a window): a stop cancels them too.
  'a serial twin': {
    id: 'air',
    simulator: { device: 'sds011', seed: 5, intervalMs: 1000 },
    device: { type: 'sds011' },
    sensors: [{ name: 'pm10', unit: 'ug/m3', field: 'pm10', filters: [{ timeout: { afterMs: 60_000 } }, { throttle_average: { intervalMs: 2000 } }, { heartbeat: { intervalMs: 500 } }] }],
  },
  'a Firmata twin': {
    id: 'rain',
    simulator: { device: 'firmata-board', seed: 6, rainGauge: { pin: 2, tipsPerHour: 3600 } },
    device: { type: 'pulse-counter', intervalMs: 1000 },
    sensors: [{ name: 'rain_total', unit: 'mm', pin: 2, field: 'total', scale: 0.2 }],
  },
  "a simulated Pi's files": { id: 'enclosure', piSimulator: { seed: 7 }, device: { type: 'gateway-health', intervalMs: 1000 }, sensors: [{ name: 'cpu', unit: 'Cel', field: 'cpu_temperature' }] },
  "a simulated Pi's header": {
    id: 'door',
    gpio: { pollIntervalMs: 5 },
    piSimulator: { seed: 8, gpio: [{ line: 27, device: 'door' }] },
    device: { type: 'digital' },
    sensors: [{ name: 'door', pin: 27, activeLow: false, debounceMs: 30 }],
  },
};

/** The board as validated against the simulated catalog, alone in a config. */
function boardConfig(board: Record<string, unknown>): BoardConfig {
  return validateSimulated({ dataDir: tmpdir(), node: { id: 'alone', site: 'lab' }, broker: { url: 'mqtt://127.0.0.1:1' }, boards: [board] }).boards[0]!;
}

describe('a board runtime started and stopped twice', () => {
  for (const [kind, raw] of Object.entries(SINGLE_BOARDS)) {
    it(`on ${kind}: opens its driver once per start, closes it once per stop, and unsubscribes from its link`, async () => {
      const board = boardConfig(raw);
      const clock = new VirtualClock(START);
      const calls = new DriverCalls();
      const simulation = createSimulation();
      const catalog = countingCatalog(simulation.catalog, calls, new Map());
      const batches: Reading[][] = [];
      const runtime = new BoardRuntime({ board, index: 0, catalog, clock: new CorrectedClock(clock, silentLogger), logger: silentLogger, batching: { maxReadings: 1, maxDelayMs: 100 }, onBatch: (readings) => batches.push(readings) });
      const subscriptions = watchSubscriptions(runtime.link);
      const statuses: string[] = [];
      for (let run = 1; run <= 2; run++) {
        const before = batches.length;
        // A listener of this run only: the next run must not call it.
        const unsubscribe = runtime.onStatus((state) => statuses.push(`${run}:${state}`));
        await runtime.start();
        await runtime.start();
        expect(subscriptions.count, `subscriptions while running ${run}`).toBeGreaterThan(0);
        await advanceUntil(clock, () => batches.length > before, () => `readings of run ${run}`);
        expect(calls.of(board.id)).toEqual({ opens: run, closes: run - 1 });
        await runtime.stop();
        await runtime.stop();
        unsubscribe();
        expect(calls.of(board.id)).toEqual({ opens: run, closes: run });
        expect(subscriptions.count, `subscriptions after stop ${run}`).toBe(0);
        expect(clock.pendingTimers(), `virtual timers after stop ${run}`).toBe(0);
      }
      expect(statuses).toEqual(['1:open', '1:closed', '2:open', '2:closed']);
      expect(runtime.problems.snapshot()).toEqual({});
      if (board.piSimulator) expect(existsSync(simulation.pi(board.id)!.root)).toBe(false);
    });
  }
});

describe('a simulated Pi behind its link source, started and disposed twice', () => {
  it('lays its tree out at each start, readable, and deletes it at each dispose', async () => {
    const board = boardConfig({ id: 'pi', piSimulator: { seed: 9, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }] }, device: { type: 'ds18b20' }, sensors: [{ name: 'water', unit: 'Cel', sensorId: '28-0316a2795cff' }] });
    const clock = new VirtualClock(START);
    const simulation = createSimulation();
    const parts = simulation.catalog.links.pi({ board, clock, deviceClock: clock, logger: silentLogger });
    const tree = simulation.pi('pi')!;
    const w1Slave = '/sys/bus/w1/devices/28-0316a2795cff/w1_slave';
    for (let run = 1; run <= 2; run++) {
      await parts.companion!.start();
      expect(existsSync(tree.root), `tree at start ${run}`).toBe(true);
      expect(await parts.files.readText(w1Slave)).toMatch(/YES\n.* t=-?\d+\n?$/s);
      expect(await parts.files.list('/proc')).toEqual(expect.arrayContaining(['loadavg', 'meminfo', 'uptime']));
      // The models move while it runs, and the files follow.
      clock.advance(1000);
      expect(await parts.files.readText('/proc/uptime')).toMatch(/^\d+(\.\d+)? /);
      await parts.companion!.stop();
      expect(existsSync(tree.root), `tree after dispose ${run}`).toBe(false);
      await expect(parts.files.readText(w1Slave)).rejects.toThrow();
      expect(clock.pendingTimers(), `virtual timers after dispose ${run}`).toBe(0);
    }
  });
});

