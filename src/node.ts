/**
 * The composition root: builds a running node from a validated config.
 * transport → line framing → driver → batcher → SenML-CBOR → MQTT.
 */
import { encodePack, SENML_CBOR_CONTENT_TYPE } from './codec/index.js';
import type { BoardConfig, NodeConfig } from './config/schema.js';
import { readSecret } from './config/secret.js';
import { systemClock, type Clock } from './core/clock.js';
import { LifecycleGroup, type Lifecycle } from './core/lifecycle.js';
import { silentLogger, type Logger } from './core/logger.js';
import { ProblemCounter } from './core/problems.js';
import type { Reading } from './core/reading.js';
import type { DriverDefinition, DriverInstance, SensorBinding } from './drivers/driver.js';
import { driverFor } from './drivers/registry.js';
import { Batcher } from './pipeline/batcher.js';
import { LineFramer } from './transports/line-framing.js';
import { transportForBoard } from './transports/for-board.js';
import type { ByteTransport } from './transports/transport.js';
import type { SimulatedDevice } from '../simulators/device.js';
import { MockSerialTransport } from '../simulators/transports/mock-serial.js';
import { MqttUplink, type UplinkStats } from './uplink/mqtt-uplink.js';
import { baseName, dataTopic, statusTopic, type NodeAddress } from './uplink/topics.js';

export interface NodeDependencies {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly environment?: NodeJS.ProcessEnv;
}

/** Per-board counters. */
export interface BoardStats {
  readonly readings: number;
  readonly problems: Record<string, number>;
}

/** One board at run time: its transport, its drivers and its batcher. */
class BoardRuntime implements Lifecycle {
  readings = 0;
  readonly problems: ProblemCounter;
  readonly transport: ByteTransport;
  private readonly batcher: Batcher<Reading>;

  constructor(board: BoardConfig, config: NodeConfig, address: NodeAddress, uplink: MqttUplink, clock: Clock, logger: Logger) {
    const boardLogger = logger.child({ board: board.id });
    this.problems = new ProblemCounter(boardLogger, clock);
    this.transport = transportForBoard(board, clock, boardLogger);
    const topic = dataTopic(address, board.id);
    const packBaseName = baseName(config.node.id, board.id);
    this.batcher = new Batcher<Reading>({
      maxItems: config.batching.maxReadings,
      maxDelayMs: config.batching.maxDelayMs,
      clock,
      onBatch: (readings) =>
        uplink.publish({ topic, payload: encodePack(readings, packBaseName), readings: readings.length, contentType: SENML_CBOR_CONTENT_TYPE }),
    });
    const drivers = createDrivers(board, config, {
      clock,
      logger: boardLogger,
      problems: this.problems,
      emit: (reading) => {
        this.readings++;
        this.batcher.add(reading);
      },
    });
    const framer = new LineFramer((line) => {
      for (const driver of drivers) driver.onLine(line);
    }, { onOverflow: (bytes) => this.problems.count('line-too-long', `${bytes} bytes without a newline dropped`) });
    this.transport.onData((chunk) => framer.push(chunk));
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  async stop(): Promise<void> {
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
  return [...byType].map(([type, sensors]) => {
    return driverFor(type).create(sensors as SensorBinding<never>[], context);
  });
}

/** A running sensor node. */
export class FieldNode implements Lifecycle {
  readonly uplink: MqttUplink;
  private readonly boards = new Map<string, BoardRuntime>();
  private readonly lifecycle: LifecycleGroup;
  private readonly logger: Logger;

  constructor(readonly config: NodeConfig, dependencies: NodeDependencies = {}) {
    const clock = dependencies.clock ?? systemClock;
    this.logger = dependencies.logger ?? silentLogger;
    const address: NodeAddress = { prefix: config.broker.topicPrefix, site: config.node.site, node: config.node.id };
    const { password } = config.broker;
    this.uplink = new MqttUplink({
      url: config.broker.url,
      clientId: config.broker.clientId ?? `fieldnode-${config.node.id}`,
      username: config.broker.username,
      password: password ? readSecret(password, dependencies.environment) : undefined,
      keepaliveSeconds: config.broker.keepaliveSeconds,
      protocol: config.broker.protocol,
      statusTopic: statusTopic(address),
      logger: this.logger.child({ component: 'uplink' }),
    });
    for (const board of config.boards) {
      this.boards.set(board.id, new BoardRuntime(board, config, address, this.uplink, clock, this.logger));
    }
    // The uplink starts first and stops last, so the final packs of every board reach it.
    this.lifecycle = new LifecycleGroup([this.uplink, ...this.boards.values()]);
  }

  async start(): Promise<void> {
    await this.lifecycle.start();
    this.logger.info({ node: this.config.node.id, boards: this.boards.size, sensors: this.config.sensors.length }, 'node started');
  }

  async stop(): Promise<void> {
    await this.lifecycle.stop();
  }

  /** The simulated device behind a board, while running; lets tests compare both ends of the wire. */
  simulatedDevice(boardId: string): SimulatedDevice | undefined {
    const transport = this.boards.get(boardId)?.transport;
    return transport instanceof MockSerialTransport ? transport.simulatedDevice : undefined;
  }

  /** Counters per board and of the uplink. */
  stats(): { boards: Record<string, BoardStats>; uplink: UplinkStats } {
    const boards: Record<string, BoardStats> = {};
    for (const [id, board] of this.boards) boards[id] = { readings: board.readings, problems: board.problems.snapshot() };
    return { boards, uplink: { ...this.uplink.stats } };
  }
}
