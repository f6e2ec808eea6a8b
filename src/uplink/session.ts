/**
 * The node's MQTT session above the connection: births of the node and of each board,
 * online/offline status with counters, and commands (`rebirth`). Sequence numbers and the
 * boot epoch travel in the data packs (see the outbox forwarder).
 */
import type { NodeConfig } from '../config/schema.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { excerpt } from '../core/excerpt.js';
import type { Logger } from '../core/logger.js';
import { ProblemCounter } from '../core/problems.js';
import { boardBirth, boardStatus, nodeBirth, nodeStatus, type NodeCounters } from './birth.js';
import { isSafeResponseTopic, runCommand, type CommandHandler } from './commands.js';
import type { IncomingMessage, MqttUplink, OutgoingMessage } from './mqtt-uplink.js';
import { birthTopic, boardBirthTopic, boardStatusTopic, commandFilter, commandVerb, nodeTree, statusTopic, type NodeAddress } from './topics.js';

export interface SessionOptions {
  readonly uplink: MqttUplink;
  readonly config: NodeConfig;
  readonly address: NodeAddress;
  readonly boot: number;
  readonly version: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly counters: () => NodeCounters;
}

const JSON_TYPE = 'application/json';
/** Rebirth requests are honoured at most this often. */
const REBIRTH_INTERVAL_MS = 5000;
/** Status after drops is republished at most this often, so a full outbox does not flood the link. */
const STATUS_THROTTLE_MS = 5000;

export class Session implements Lifecycle {
  private statusTimer: TimerHandle | undefined;
  private throttledStatus: TimerHandle | undefined;
  private readonly boardStates = new Map<string, { state: 'online' | 'offline'; reason?: string | undefined }>();
  private running = false;
  private lastRebirthAt = Number.NEGATIVE_INFINITY;
  /** Rejected commands, by kind: the first of each kind is logged, then one summary a minute, so a flood cannot fill the disk. */
  private readonly rejections: ProblemCounter;
  readonly commands: Record<string, CommandHandler>;

  constructor(private readonly options: SessionOptions) {
    this.rejections = new ProblemCounter(options.logger.child({ component: 'commands' }), options.clock);
    this.commands = {
      rebirth: () => {
        // Each rebirth is 1 + 2 × boards retained publishes: a flood of requests must not become a flood of births.
        const now = options.clock.monotonic();
        if (now - this.lastRebirthAt < REBIRTH_INTERVAL_MS) throw new Error(`rebirth at most once every ${REBIRTH_INTERVAL_MS / 1000} s`);
        this.lastRebirthAt = now;
        this.publishBirths();
        return { boot: options.boot };
      },
    };
    options.uplink.onConnect(() => {
      if (!this.running) return;
      this.publishBirths();
      this.publishStatus();
    });
    options.uplink.subscribe(commandFilter(options.address), (message) => this.handleCommand(message));
  }

  /** The retained offline status, also registered as the will. */
  offlinePayload(): Buffer {
    return offlineStatusPayload(this.options.boot, this.options.clock);
  }

  /** The farewell the uplink publishes on a clean stop. */
  farewell(): OutgoingMessage {
    return { topic: statusTopic(this.options.address), payload: this.offlinePayload(), contentType: JSON_TYPE, retain: true };
  }

  async start(): Promise<void> {
    this.running = true;
    this.schedulePeriodicStatus();
    if (this.options.uplink.isConnected) {
      this.publishBirths();
      this.publishStatus();
    }
  }

  /** Marks every board offline; the node's own offline status is the uplink's farewell. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.options.clock.clearTimeout(this.statusTimer);
    this.options.clock.clearTimeout(this.throttledStatus);
    for (const board of this.options.config.boards) this.setBoardState(board.id, 'offline', 'node stopping');
  }

  /** A board's port opened or closed: its device status follows (an unplugged board shows offline). */
  setBoardState(boardId: string, state: 'online' | 'offline', reason?: string): void {
    if (this.boardStates.get(boardId)?.state === state) return;
    this.boardStates.set(boardId, { state, reason });
    this.publishJson(boardStatusTopic(this.options.address, boardId), boardStatus(state, this.options.boot, this.options.clock.now(), reason));
  }

  /** Republishes the status soon (throttled): after drops, so the counters are visible. */
  statusChanged(): void {
    if (this.throttledStatus || !this.running) return;
    this.throttledStatus = this.options.clock.setTimeout(() => {
      this.throttledStatus = undefined;
      this.publishStatus();
    }, STATUS_THROTTLE_MS);
  }

  publishBirths(): void {
    const { config, boot, version, clock, address } = this.options;
    const now = clock.now();
    this.publishJson(birthTopic(address), nodeBirth(config, version, boot, now));
    for (const board of config.boards) {
      this.publishJson(boardBirthTopic(address, board.id), boardBirth(board, boot, now));
      const state = this.boardStates.get(board.id);
      if (state) this.publishJson(boardStatusTopic(address, board.id), boardStatus(state.state, boot, now, state.reason));
    }
  }

  publishStatus(): void {
    this.publishJson(statusTopic(this.options.address), nodeStatus('online', this.options.boot, this.options.clock.now(), this.options.counters()));
  }

  private handleCommand(message: IncomingMessage): void {
    const verb = commandVerb(this.options.address, message.topic) ?? '';
    const outcome = runCommand({ verb, payload: message.payload, responseTopic: message.responseTopic }, this.commands, nodeTree(this.options.address));
    // The verb is the sender's text: logs and replies quote an excerpt of it, never all of it.
    const command = excerpt(verb);
    // Accepted commands are few (each handler limits its own rate); rejections are counted and summarised.
    if (outcome.ok) this.options.logger.info({ command }, 'command done');
    else this.rejections.count(outcome.kind, `${command}: ${outcome.error}`);
    // Without a safe response topic the outcome is only logged: never answer to an arbitrary place.
    const respondTo = message.responseTopic && isSafeResponseTopic(message.responseTopic, nodeTree(this.options.address)) ? message.responseTopic : undefined;
    if (respondTo) {
      const response = outcome.ok ? { command, ...outcome } : { command, ok: false, error: outcome.error };
      this.options.uplink.publish({ topic: respondTo, payload: json(response), contentType: JSON_TYPE, correlationData: message.correlationData }, () => undefined);
    }
  }

  private schedulePeriodicStatus(): void {
    this.statusTimer = this.options.clock.setTimeout(() => {
      if (!this.running) return;
      this.publishStatus();
      this.schedulePeriodicStatus();
    }, this.options.config.broker.statusIntervalSeconds * 1000);
  }

  private publishJson(topic: string, body: Record<string, unknown> | object): void {
    if (!this.options.uplink.isConnected) return;
    this.options.uplink.publish({ topic, payload: json(body), contentType: JSON_TYPE, retain: true }, (error) => {
      if (error) this.options.logger.warn({ topic, err: error.message }, 'could not publish session message');
    });
  }
}

/** The node's offline status: published on a clean stop and registered as the will. */
export function offlineStatusPayload(boot: number, clock: Clock): Buffer {
  return json(nodeStatus('offline', boot, clock.now()));
}

function json(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}
