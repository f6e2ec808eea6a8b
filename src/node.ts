/**
 * The composition root: builds a running node from a validated config.
 * transport → line framing → driver → batcher → SenML-CBOR → outbox → MQTT.
 */
import { dirname, join } from 'node:path';
import { encodePack } from './codec/index.js';
import type { BoardConfig, NodeConfig } from './config/schema.js';
import { readSecret } from './config/secret.js';
import { readTlsMaterial } from './config/tls-files.js';
import { systemClock, type Clock } from './core/clock.js';
import { CorrectedClock } from './core/corrected-clock.js';
import { FieldnodeError } from './core/errors.js';
import { LifecycleGroup, type Lifecycle } from './core/lifecycle.js';
import { silentLogger, type Logger } from './core/logger.js';
import { ProblemCounter } from './core/problems.js';
import type { Reading } from './core/reading.js';
import type { DriverDefinition, DriverInstance, SensorBinding } from './drivers/driver.js';
import { driverFor } from './drivers/registry.js';
import { emptyForwarderStats, Forwarder, type ForwarderStats } from './outbox/forwarder.js';
import { lockDataDir, type DataDirLock } from './outbox/data-dir-lock.js';
import type { Outbox } from './outbox/outbox.js';
import { openSqliteOutbox } from './outbox/sqlite-outbox.js';
import { Batcher } from './pipeline/batcher.js';
import { LineFramer } from './transports/line-framing.js';
import { transportForBoard } from './transports/for-board.js';
import { PiFilesTransport } from './transports/pi/files-link.js';
import { FirmataTransport } from './transports/firmata.js';
import type { BytesLink } from './transports/link.js';
import { MqttUplink } from './uplink/mqtt-uplink.js';
import { offlineStatusPayload, Session } from './uplink/session.js';
import { baseName, dataTopic, statusTopic, type NodeAddress } from './uplink/topics.js';
import type { SimulatedDevice } from '../simulators/device.js';
import type { FakePiRoot } from '../simulators/pi/fake-root.js';
import { MockSerialTransport } from '../simulators/transports/mock-serial.js';

export interface NodeDependencies {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly environment?: NodeJS.ProcessEnv;
  /** Reported in the birth message. */
  readonly version?: string;
}

/** Per-board counters. */
export interface BoardStats {
  readonly readings: number;
  readonly problems: Record<string, number>;
}

/** A pack ready for the outbox: its topic, its readings, and how to encode it once numbered. */
type PackSink = (topic: string, readings: Reading[], packBaseName: string) => void;

/** One board at run time: its transport, its drivers and its batcher. */
class BoardRuntime implements Lifecycle {
  readings = 0;
  readonly problems: ProblemCounter;
  readonly transport: BytesLink;
  private readonly batcher: Batcher<Reading>;
  private readonly drivers: DriverInstance[];

  constructor(board: BoardConfig, config: NodeConfig, address: NodeAddress, sink: PackSink, clock: CorrectedClock, logger: Logger) {
    const boardLogger = logger.child({ board: board.id });
    this.problems = new ProblemCounter(boardLogger, clock);
    const readsPins = config.sensors.some((sensor) => sensor.board === board.id && driverFor(sensor.driver.type).readsPins === true);
    this.transport = transportForBoard(board, clock, boardLogger, clock.base, readsPins);
    const topic = dataTopic(address, board.id);
    const packBaseName = baseName(config.node.id, board.id);
    this.batcher = new Batcher<Reading>({
      maxItems: config.batching.maxReadings,
      maxDelayMs: config.batching.maxDelayMs,
      clock,
      onBatch: (readings) => sink(topic, readings, packBaseName),
    });
    const drivers = createDrivers(board, config, {
      clock,
      logger: boardLogger,
      problems: this.problems,
      emit: (reading) => {
        this.readings++;
        this.batcher.add(reading);
      },
      write: (data) =>
        this.transport.write(data).catch((error: unknown) => {
          this.problems.count('write-failed', (error as Error).message);
        }),
      offerTime: (utcMs, source) => clock.offer(utcMs, source),
      // Pi boards hand their drivers the files and I2C buses; serial boards have none.
      ...(this.transport instanceof PiFilesTransport ? { files: this.transport.files, i2c: this.transport.i2c } : {}),
      ...(this.transport instanceof FirmataTransport || this.transport instanceof PiFilesTransport ? { pins: () => (this.transport as FirmataTransport | PiFilesTransport).pins } : {}),
    });
    this.drivers = drivers;
    // One driver type per board (the config checks it), so one framing for all of them.
    const framing = drivers[0]?.framing ?? { kind: 'bytes' as const };
    if (framing.kind === 'lines') {
      const framer = new LineFramer(
        (line) => {
          for (const driver of drivers) driver.onLine?.(line);
        },
        { delimiter: framing.delimiter, maxLineBytes: framing.maxLineBytes, onOverflow: (bytes) => this.problems.count('line-too-long', `${bytes} bytes without a line end dropped`) },
      );
      this.transport.onData((chunk) => framer.push(chunk));
      // After a replug the driver starts clean: a half line from before the gap is not data.
      this.transport.onStatus((state) => {
        if (state === 'open') framer.reset();
      });
    } else {
      this.transport.onData((chunk) => {
        for (const driver of drivers) driver.onBytes?.(chunk);
      });
    }
    this.transport.onStatus((state) => {
      for (const driver of drivers) {
        if (state === 'open') driver.onOpen?.();
        else driver.onClose?.();
      }
    });
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  async stop(): Promise<void> {
    for (const driver of this.drivers) driver.onClose?.();
    await this.transport.stop();
    this.batcher.flush();
  }
}

function createDrivers(board: BoardConfig, config: NodeConfig, context: Parameters<DriverDefinition['create']>[1]): DriverInstance[] {
  const byType = new Map<string, SensorBinding<unknown>[]>();
  config.sensors.forEach((sensor, index) => {
    if (sensor.board !== board.id) return;
    const { type, ...options } = sensor.driver;
    const group = byType.get(type) ?? [];
    group.push({ name: sensor.name, unit: sensor.unit, options, path: `sensors[${index}]` });
    byType.set(type, group);
  });
  return [...byType].map(([type, sensors]) => driverFor(type).create(sensors as SensorBinding<never>[], context));
}

/** Where a node keeps its outbox: one database per node id, so two nodes never share one. */
export function outboxPath(config: NodeConfig): string {
  return join(config.dataDir, config.node.id, 'outbox.db');
}

/** Locks the node's data directory first: the outbox and its boot epoch belong to one process at a time. */
function openOutbox(config: NodeConfig): { outbox: Outbox; lock: DataDirLock } {
  const path = outboxPath(config);
  const lock = lockDataDir(dirname(path));
  try {
    return { outbox: openSqliteOutbox(path, { maxBytes: config.outbox.maxBytes, maxAgeMs: config.outbox.maxAgeHours * 3_600_000, overflow: config.outbox.overflow }), lock };
  } catch (error) {
    lock.release();
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new FieldnodeError(`cannot open the outbox at ${path} (${code}): make dataDir (${config.dataDir}) a directory the node may write`, 'OUTBOX', { cause: error });
  }
}

/** A running sensor node. */
export class FieldNode implements Lifecycle {
  private readonly boards = new Map<string, BoardRuntime>();
  private readonly clock: CorrectedClock;
  private readonly logger: Logger;
  private readonly address: NodeAddress;
  private running: { forwarder: Forwarder; uplink: MqttUplink; session: Session; lifecycle: LifecycleGroup; boot: number; lock: DataDirLock; unsubscribe: (() => void)[] } | undefined;

  constructor(
    readonly config: NodeConfig,
    private readonly dependencies: NodeDependencies = {},
  ) {
    this.logger = dependencies.logger ?? silentLogger;
    // A GPS on any board may set the wall clock of a gateway that booted without one.
    this.clock = new CorrectedClock(dependencies.clock ?? systemClock, this.logger.child({ component: 'clock' }));
    this.address = { prefix: config.broker.topicPrefix, site: config.node.site, node: config.node.id };
    const sink: PackSink = (topic, readings, packBaseName) => {
      const forwarder = this.running?.forwarder;
      if (!forwarder) throw new Error('a board produced readings while the node was not running');
      forwarder.submit(topic, readings.length, (session) => encodePack(readings, packBaseName, session));
    };
    for (const board of config.boards) {
      this.boards.set(board.id, new BoardRuntime(board, config, this.address, sink, this.clock, this.logger));
    }
  }

  /** Opens the outbox, takes the next boot epoch, connects, and opens the boards. */
  async start(): Promise<void> {
    if (this.running) return;
    const { config, clock, logger } = this;
    const password = config.broker.password ? readSecret(config.broker.password, this.dependencies.environment) : undefined;
    const tls = config.broker.tls ? readTlsMaterial(config.broker.tls) : undefined;
    const { outbox, lock } = openOutbox(config);
    const boot = outbox.nextBootEpoch();
    const uplink = new MqttUplink({
      url: config.broker.url,
      clientId: config.broker.clientId ?? `fieldnode-${config.node.id}`,
      username: config.broker.username,
      password,
      keepaliveSeconds: config.broker.keepaliveSeconds,
      protocol: config.broker.protocol,
      tls,
      will: { topic: statusTopic(this.address), payload: () => offlineStatusPayload(boot, clock), delaySeconds: config.broker.willDelaySeconds },
      reconnect: config.broker.reconnect,
      clock,
      logger: logger.child({ component: 'uplink' }),
    });
    const forwarder = new Forwarder({
      outbox,
      uplink,
      clock,
      logger: logger.child({ component: 'outbox' }),
      boot,
      maxInFlight: config.outbox.maxInFlight,
      drainReadingsPerSecond: config.outbox.drainReadingsPerSecond,
    });
    const session = new Session({
      uplink,
      config,
      address: this.address,
      boot,
      version: this.dependencies.version ?? 'unknown',
      clock,
      logger: logger.child({ component: 'session' }),
      counters: () => ({ outbox: forwarder.backlogTotals(), held: forwarder.heldTotals(), dropped: forwarder.stats.dropped, problems: this.problemCounts() }),
    });
    forwarder.onDrop(() => session.statusChanged());
    // This run's session follows the boards; the next run's session replaces it (see stop).
    const unsubscribe = [...this.boards].map(([id, board]) =>
      board.transport.onStatus((state, reason) => session.setBoardState(id, state === 'open' ? 'online' : 'offline', reason)),
    );
    // Start order: connection, outbox forwarding, session, boards; stop runs it backwards, so
    // the last packs of every board reach the outbox and the board deaths reach the broker.
    const uplinkLifecycle: Lifecycle = { start: () => uplink.start(), stop: () => uplink.stop(session.farewell()) };
    const lifecycle = new LifecycleGroup([uplinkLifecycle, forwarder, session, ...this.boards.values()]);
    this.running = { forwarder, uplink, session, lifecycle, boot, lock, unsubscribe };
    try {
      await lifecycle.start();
    } catch (error) {
      this.running = undefined;
      for (const stopListening of unsubscribe) stopListening();
      outbox.close();
      lock.release();
      throw error;
    }
    logger.info({ node: config.node.id, boot, boards: this.boards.size, sensors: config.sensors.length, backlog: outbox.totals() }, 'node started');
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    try {
      await running.lifecycle.stop();
    } finally {
      // After the boards closed, so their deaths still reached this run's session.
      for (const stopListening of running.unsubscribe) stopListening();
      // After the outbox is closed: the next holder may open it at once.
      running.lock.release();
    }
    this.running = undefined;
    this.lastStats = { forwarder: { ...running.forwarder.stats }, boot: running.boot };
  }

  /** The boot epoch of the current (or last) run. */
  get boot(): number | undefined {
    return this.running?.boot ?? this.lastStats?.boot;
  }

  /** The MQTT connection, while running. */
  get uplink(): MqttUplink | undefined {
    return this.running?.uplink;
  }

  /** The store-and-forward engine, while running. */
  get forwarder(): Forwarder | undefined {
    return this.running?.forwarder;
  }

  /** The simulated device behind a board, while running; lets tests compare both ends of the wire. */
  simulatedDevice(boardId: string): SimulatedDevice | undefined {
    const outer = this.boards.get(boardId)?.transport;
    const transport = outer instanceof FirmataTransport ? outer.underlying : outer;
    return transport instanceof MockSerialTransport ? transport.simulatedDevice : undefined;
  }

  /** The simulated Pi of a pi board with `piSimulator`, for tests. */
  simulatedPi(boardId: string): FakePiRoot | undefined {
    const transport = this.boards.get(boardId)?.transport;
    return transport instanceof PiFilesTransport ? transport.simulated : undefined;
  }

  /** Counters per board and of the store-and-forward path (kept after stop). */
  stats(): { boards: Record<string, BoardStats>; forwarder: ForwarderStats } {
    const boards: Record<string, BoardStats> = {};
    for (const [id, board] of this.boards) boards[id] = { readings: board.readings, problems: board.problems.snapshot() };
    const forwarder = this.running ? { ...this.running.forwarder.stats } : (this.lastStats?.forwarder ?? emptyForwarderStats());
    return { boards, forwarder };
  }

  private lastStats: { forwarder: ForwarderStats; boot: number } | undefined;

  private problemCounts(): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.boards].map(([id, board]) => [id, board.problems.snapshot()]));
  }
}
