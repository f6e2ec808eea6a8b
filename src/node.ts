/**
 * The composition root: builds a running node from a validated config.
 * transport → line framing → driver → batcher → SenML-CBOR → outbox → MQTT.
 */
import { dirname, join } from 'node:path';
import type { Reading } from './core/reading.js';
import { hardwareCatalog, type Catalog } from './catalog/catalog.js';
import { BoardRuntime } from './boards/board-runtime.js';
import { BoardSet } from './boards/board-set.js';
import { configSource, type ConfigSource } from './commands/config-source.js';
import { nodeCommands } from './commands/node-commands.js';
import { encodePack } from './codec/index.js';
import type { NodeConfig } from './config/schema.js';
import { readHttpToken } from './config/credentials.js';
import { readSecret } from './config/secret.js';
import { readTlsMaterial } from './config/tls-files.js';
import { systemClock, type Clock } from './core/clock.js';
import type { CorrectedClock } from './core/corrected-clock.js';
import { FieldnodeError } from './core/errors.js';
import { LifecycleGroup, type Lifecycle } from './core/lifecycle.js';
import { silentLogger, type Logger } from './core/logger.js';
import { HomeAssistantPublisher } from './homeassistant/publisher.js';
import type { HttpLimits, HttpServer } from './http/server.js';
import { tapLogger } from './http/log-tap.js';
import { NodeView } from './http/view.js';
import { emptyForwarderStats, Forwarder, type ForwarderStats } from './outbox/forwarder.js';
import { lockDataDir, type DataDirLock } from './outbox/data-dir-lock.js';
import type { Outbox } from './outbox/outbox.js';
import { openSqliteOutbox } from './outbox/sqlite-outbox.js';
import { NodeTime } from './time/node-time.js';
import type { NtpProbe } from './time/ntp-status.js';
import { MqttUplink } from './uplink/mqtt-uplink.js';
import { offlineStatusPayload, Session } from './uplink/session.js';
import { baseName, dataTopic, statusTopic, type NodeAddress } from './uplink/topics.js';

export interface NodeDependencies {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly environment?: NodeJS.ProcessEnv;
  /** Reported in the birth message. */
  readonly version?: string;
  /** The drivers, twins and link sources the config was validated with (default: real hardware only). */
  readonly catalog?: Catalog;
  /** Shorter limits of the HTTP server, for tests. */
  readonly httpLimits?: Partial<HttpLimits>;
  /** Whether NTP has synchronised the clock (default: asked of the machine when the clock is the machine's). */
  readonly ntpProbe?: NtpProbe;
  /** Where `reload-config` reads a new config (default: only configs sent as text, checked against `catalog`). */
  readonly configSource?: ConfigSource;
  /** How long the new boards of a reload have to open before the old ones come back. */
  readonly reloadOpenWithinMs?: number;
}

/** Per-board counters. */
export interface BoardStats {
  readonly readings: number;
  readonly problems: Record<string, number>;
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
  private readonly boardSet: BoardSet;
  private readonly boards: Map<string, BoardRuntime>;
  private readonly clock: CorrectedClock;
  /** Trust in the wall clock, and the dating of readings by it. */
  private readonly time: NodeTime;
  private readonly logger: Logger;
  private readonly address: NodeAddress;
  /** The live state the HTTP server shows; only with an `http:` section. */
  private readonly view: NodeView | undefined;
  /** Home Assistant discovery and board states of the current run (silent without a `homeassistant:` section). */
  private homeassistant: HomeAssistantPublisher | undefined;
  private running: { forwarder: Forwarder; uplink: MqttUplink; session: Session; lifecycle: LifecycleGroup; boot: number; lock: DataDirLock; unsubscribe: (() => void)[]; http: HttpServer | undefined } | undefined;

  constructor(
    /** The config running now: `reload-config` and `set-interval` replace it. */
    public config: NodeConfig,
    private readonly dependencies: NodeDependencies = {},
  ) {
    const logger = dependencies.logger ?? silentLogger;
    // With a page to show them, warnings and errors also go to the view.
    this.logger = config.http ? tapLogger(logger, (level, message, fields) => this.view?.logged(level, message, fields)) : logger;
    // A GPS on any board may set the wall clock of a gateway that booted without one.
    this.time = new NodeTime({ base: dependencies.clock ?? systemClock, logger: this.logger, config: config.clock, probe: dependencies.ntpProbe, count: (board, kind, detail) => this.boards.get(board)?.problems.count(kind, detail) });
    this.clock = this.time.clock;
    this.view = config.http
      ? new NodeView({ config, version: dependencies.version ?? 'unknown', clock: this.clock, problems: (id) => this.boards.get(id)?.problems.snapshot() ?? {} })
      : undefined;
    this.address = { prefix: config.broker.topicPrefix, site: config.node.site, node: config.node.id };
    const buildBoard = (board: NodeConfig['boards'][number], index: number, config: NodeConfig) => {
      const topic = dataTopic(this.address, board.id);
      const packBaseName = baseName(config.node.id, board.id);
      const onBatch = (readings: Reading[]) => {
        const forwarder = this.running?.forwarder;
        if (!forwarder) throw new Error('a board produced readings while the node was not running');
        forwarder.submit(topic, readings.length, (session) => encodePack(readings, packBaseName, session, this.config.encoding));
        this.view?.readings(board.id, readings);
        this.homeassistant?.readings(board.id, readings);
      };
      const catalog = dependencies.catalog ?? hardwareCatalog;
      return new BoardRuntime({ board, index, catalog, clock: this.clock, logger: this.logger, batching: config.batching, onBatch: this.time.dating(board.id, onBatch) });
    };
    this.boardSet = new BoardSet({ factory: buildBoard, clock: this.clock, openWithinMs: dependencies.reloadOpenWithinMs }, config);
    this.boards = this.boardSet.boards;
  }

  /** Opens the outbox, takes the next boot epoch, connects, and opens the boards. */
  async start(): Promise<void> {
    if (this.running) return;
    // The server and prom-client are loaded only for a node with an `http:` section.
    const { HttpServer } = this.view && this.config.http ? await import('./http/server.js') : {};
    if (this.running) return;
    const { config, clock, logger } = this;
    const password = config.broker.password ? readSecret(config.broker.password, this.dependencies.environment) : undefined;
    const tls = config.broker.tls ? readTlsMaterial(config.broker.tls) : undefined;
    // A token that cannot be read is a config problem (exit 78), found before anything opens.
    const httpToken = readHttpToken(config.http, 'config', this.dependencies.environment);
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
      will: { topic: statusTopic(this.address), payload: () => offlineStatusPayload(boot, this.time.wire), delaySeconds: config.broker.willDelaySeconds },
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
      syncDelayMs: config.outbox.syncDelayMs,
    });
    const session = new Session({
      uplink,
      config,
      address: this.address,
      boot,
      version: this.dependencies.version ?? 'unknown',
      clock: this.time.wire,
      logger: logger.child({ component: 'session' }),
      counters: () => ({ outbox: forwarder.backlogTotals(), held: forwarder.heldTotals(), dropped: forwarder.stats.dropped, problems: this.problemCounts(), drain: forwarder.progress.status(), clock: this.time.status() }),
      afterBirths: () => this.homeassistant?.announce(),
      verbs: nodeCommands({
        boot,
        version: this.dependencies.version ?? 'unknown',
        clock,
        boards: this.boardSet,
        config: () => this.config,
        source: this.dependencies.configSource ?? configSource({ base: this.dependencies.catalog ?? hardwareCatalog, catalog: this.dependencies.catalog ?? hardwareCatalog }),
        applied: (next) => {
          this.config = next;
          session.replaceConfig(next);
          this.homeassistant?.reconfigure(next.boards, next.homeassistant);
          this.view?.reconfigure(next.boards);
        },
      }),
    });
    forwarder.onDrop(() => session.statusChanged());
    this.time.listen(uplink, config.broker.topicPrefix);
    // This run's session follows the boards; the next run's session replaces it (see stop).
    const unsubscribe = [
      this.boardSet.onStatus((id, state, reason) => session.setBoardState(id, state === 'open' ? 'online' : 'offline', reason)),
      this.boardSet.onFirmware((id, firmware) => session.setBoardFirmware(id, firmware)),
    ];
    // The session announces it after each round of births: the discovery points at their topics.
    // Without a homeassistant section it publishes nothing; a reload may add one (reconfigure).
    this.homeassistant = new HomeAssistantPublisher({ uplink, address: this.address, boards: config.boards, settings: config.homeassistant, version: this.dependencies.version ?? 'unknown', clock, logger: logger.child({ component: 'homeassistant' }) });
    unsubscribe.push(this.homeassistant.attach());
    unsubscribe.push(this.time.onChange(() => session.statusChanged()));
    const view = this.view;
    const http = view && config.http && HttpServer ? new HttpServer({ host: config.http.host, port: config.http.port, token: httpToken, view, logger: logger.child({ component: 'http' }), limits: this.dependencies.httpLimits }) : undefined;
    if (view) {
      unsubscribe.push(
        uplink.onConnect(() => view.brokerConnected()),
        uplink.onDisconnect(() => view.brokerDisconnected()),
        forwarder.onAck((_payload, _readings, latencyMs) => view.acknowledged(latencyMs)),
        this.boardSet.onStatus((id, state, reason) => view.linkChanged(id, state, reason)),
      );
    }
    // The view reads this run's outbox only between the server's start and stop, while it is open.
    const httpLifecycle: Lifecycle | undefined = http && view && {
      start: () => {
        view.attach({
          boot,
          totals: () => forwarder.backlogTotals(),
          held: () => forwarder.heldTotals(),
          oldestCreatedAt: () => forwarder.oldestWaitingCreatedAt(),
          dropped: () => forwarder.stats.dropped,
          drain: () => forwarder.progress.status(),
        });
        return http.start().catch((error: unknown) => {
          view.detach();
          throw error;
        });
      },
      stop: async () => {
        await http.stop();
        view.detach();
      },
    };
    // Start order: NTP state, connection, outbox forwarding, session, the dating of readings, boards, the local
    // server; stop runs it backwards, so the last packs of every board reach the outbox and the board deaths reach the broker.
    const uplinkLifecycle: Lifecycle = { start: () => uplink.start(), stop: () => uplink.stop(session.farewell()) };
    const lifecycle = new LifecycleGroup([this.time.ntp, uplinkLifecycle, forwarder, session, this.time.timeline, this.boardSet, ...(httpLifecycle ? [httpLifecycle] : [])]);
    this.running = { forwarder, uplink, session, lifecycle, boot, lock, unsubscribe, http };
    try {
      await lifecycle.start();
    } catch (error) {
      this.running = undefined;
      for (const stopListening of unsubscribe) stopListening();
      outbox.close();
      lock.release();
      throw error;
    }
    const sensors = config.boards.reduce((sum, board) => sum + board.sensors.length, 0);
    logger.info({ node: config.node.id, boot, boards: this.boards.size, sensors, backlog: outbox.totals() }, 'node started');
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

  /** Where the local HTTP server listens (`http://127.0.0.1:8080/`), while running with an `http:` section. */
  get httpAddress(): string | undefined {
    return this.running?.http?.url;
  }

  /** The store-and-forward engine, while running. */
  get forwarder(): Forwarder | undefined {
    return this.running?.forwarder;
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
