/**
 * The node's MQTT session above the connection: births of the node and of each board,
 * online/offline status with counters, and commands (`rebirth`). Sequence numbers and the
 * boot epoch travel in the data packs (see the outbox forwarder).
 */
import { z } from 'zod';
import type { NodeConfig } from '../config/schema.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { excerpt } from '../core/excerpt.js';
import type { Logger } from '../core/logger.js';
import { ProblemCounter } from '../core/problems.js';
import type { FirmwareIdentity } from '../core/firmware.js';
import { boardBirth, boardStatus, nodeBirth, nodeStatus, type NodeCounters } from './birth.js';
import { isSafeResponseTopic, runCommand, type CommandOutcome, type CommandVerbs } from './commands.js';
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
  /** Called after each round of births (start, reconnection, rebirth), for what describes the node elsewhere (Home Assistant discovery). */
  readonly afterBirths?: () => void;
  /** Verbs beside `rebirth`, answered where the config's `commands.allow` lists them. */
  readonly verbs?: CommandVerbs;
}

const JSON_TYPE = 'application/json';
/** Firmware banners republish a board's birth at most this often (a device printing banners in a loop). */
const FIRMWARE_REBIRTH_INTERVAL_MS = 1000;
/** Rebirth requests are honoured at most this often. */
const REBIRTH_INTERVAL_MS = 5000;
/** Status after drops is republished at most this often, so a full outbox does not flood the link. */
const STATUS_THROTTLE_MS = 5000;
/** Commands being answered at once, at most: a flood of slow verbs gets "busy", not a queue that grows. */
const MAX_PENDING_COMMANDS = 16;

export class Session implements Lifecycle {
  private statusTimer: TimerHandle | undefined;
  private throttledStatus: TimerHandle | undefined;
  private readonly boardStates = new Map<string, { state: 'online' | 'offline'; reason?: string | undefined }>();
  /** What each board said it runs at its last reset. */
  private readonly boardFirmware = new Map<string, FirmwareIdentity>();
  /** When each board's birth last carried a new banner, and the publish waiting for its turn. */
  private readonly firmwareBirths = new Map<string, { publishedAt: number; pending?: TimerHandle | undefined }>();
  private running = false;
  private lastRebirthAt = Number.NEGATIVE_INFINITY;
  /** Rejected commands, by kind: the first of each kind is logged, then one summary a minute, so a flood cannot fill the disk. */
  private readonly rejections: ProblemCounter;
  readonly commands: CommandVerbs;
  private pendingCommands = 0;

  constructor(private options: SessionOptions) {
    this.rejections = new ProblemCounter(options.logger.child({ component: 'commands' }), options.clock);
    this.commands = {
      rebirth: { argument: z.strictObject({}), changesNode: true, run: () => {
        // Each rebirth is 1 + 2 × boards retained publishes: a flood of requests must not become a flood of births.
        const now = options.clock.monotonic();
        if (now - this.lastRebirthAt < REBIRTH_INTERVAL_MS) throw new Error(`rebirth at most once every ${REBIRTH_INTERVAL_MS / 1000} s`);
        this.lastRebirthAt = now;
        this.publishBirths();
        return { boot: options.boot };
      } },
      ...options.verbs,
    };
    options.uplink.onConnect(() => {
      if (!this.running) return;
      this.publishBirths();
      this.publishStatus();
    });
    options.uplink.subscribe(commandFilter(options.address), (message) => this.handleCommand(message));
  }

  /** A reloaded config: births describe its boards from now on, and are republished at once. */
  replaceConfig(config: NodeConfig): void {
    const gone = this.options.config.boards.filter((board) => !config.boards.some((next) => next.id === board.id));
    this.options = { ...this.options, config };
    // A board the new config no longer has leaves no retained birth or status behind (an empty
    // retained message deletes one), so a consumer that joins later does not see a ghost board.
    for (const board of gone) {
      this.boardStates.delete(board.id);
      this.boardFirmware.delete(board.id);
      this.options.clock.clearTimeout(this.firmwareBirths.get(board.id)?.pending);
      this.firmwareBirths.delete(board.id);
      for (const topic of [boardBirthTopic(this.options.address, board.id), boardStatusTopic(this.options.address, board.id)]) this.clearRetained(topic);
    }
    if (this.running) this.publishBirths();
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
    for (const births of this.firmwareBirths.values()) this.options.clock.clearTimeout(births.pending);
    this.firmwareBirths.clear();
    for (const board of this.options.config.boards) this.setBoardState(board.id, 'offline', 'node stopping');
  }

  /** A board's port opened or closed: its device status follows (an unplugged board shows offline). */
  setBoardState(boardId: string, state: 'online' | 'offline', reason?: string): void {
    if (this.boardStates.get(boardId)?.state === state) return;
    this.boardStates.set(boardId, { state, reason });
    this.publishJson(boardStatusTopic(this.options.address, boardId), boardStatus(state, this.options.boot, this.options.clock.now(), reason));
  }

  /**
   * A board printed its firmware banner (it was reset, or flashed): its birth is republished
   * with the firmware, so the retained birth says what each board runs. Banners closer than
   * a second (a device in a reset loop) are published once the second is up, the latest one.
   */
  setBoardFirmware(boardId: string, firmware: FirmwareIdentity): void {
    this.boardFirmware.set(boardId, firmware);
    const births = this.firmwareBirths.get(boardId) ?? { publishedAt: Number.NEGATIVE_INFINITY };
    this.firmwareBirths.set(boardId, births);
    if (births.pending) return;
    const publish = () => {
      births.pending = undefined;
      births.publishedAt = this.options.clock.monotonic();
      const board = this.options.config.boards.find((candidate) => candidate.id === boardId);
      if (board && this.running) this.publishJson(boardBirthTopic(this.options.address, boardId), boardBirth(board, this.options.boot, this.options.clock.now(), this.boardFirmware.get(boardId)));
    };
    const wait = births.publishedAt + FIRMWARE_REBIRTH_INTERVAL_MS - this.options.clock.monotonic();
    if (wait <= 0) publish();
    else births.pending = this.options.clock.setTimeout(publish, wait);
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
      this.publishJson(boardBirthTopic(address, board.id), boardBirth(board, boot, now, this.boardFirmware.get(board.id)));
      const state = this.boardStates.get(board.id);
      if (state) this.publishJson(boardStatusTopic(address, board.id), boardStatus(state.state, boot, now, state.reason));
    }
    this.options.afterBirths?.();
  }

  publishStatus(): void {
    this.publishJson(statusTopic(this.options.address), nodeStatus('online', this.options.boot, this.options.clock.now(), this.options.counters()));
  }

  private handleCommand(message: IncomingMessage): void {
    const verb = commandVerb(this.options.address, message.topic) ?? '';
    if (this.pendingCommands >= MAX_PENDING_COMMANDS) {
      this.finishCommand(message, verb, { ok: false, kind: 'busy', error: `busy: ${MAX_PENDING_COMMANDS} commands are being answered; try again later` });
      return;
    }
    this.pendingCommands++;
    void runCommand({ verb, payload: message.payload, responseTopic: message.responseTopic }, this.commands, nodeTree(this.options.address), this.options.config.commands.allow)
      .catch((error: unknown): CommandOutcome => ({ ok: false, kind: 'command-refused', error: excerpt(String((error as Error).message)) }))
      .then((outcome) => {
        this.pendingCommands--;
        this.finishCommand(message, verb, outcome);
      });
  }

  private finishCommand(message: IncomingMessage, verb: string, outcome: CommandOutcome): void {
    // The verb is the sender's text: logs and replies quote an excerpt of it, never all of it.
    const command = excerpt(verb);
    // Only changes are logged (each limits its own rate), reads are not; rejections are counted and summarised.
    if (outcome.ok) {
      if (this.commands[verb]?.changesNode && outcome.result?.['applied'] !== false) this.options.logger.info({ command, ...outcome.result }, 'command done');
    } else this.rejections.count(outcome.kind, `${command}: ${outcome.error}`);
    // Without a safe response topic the outcome is only logged: never answer to an arbitrary place.
    const respondTo = message.responseTopic && isSafeResponseTopic(message.responseTopic, nodeTree(this.options.address)) ? message.responseTopic : undefined;
    if (respondTo && this.options.uplink.isConnected) {
      const response = outcome.ok ? { command, ...outcome } : { command, ok: false, error: outcome.error, ...(outcome.problems ? { problems: outcome.problems } : {}) };
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

  private clearRetained(topic: string): void {
    if (!this.options.uplink.isConnected) return;
    this.options.uplink.publish({ topic, payload: Buffer.alloc(0), contentType: JSON_TYPE, retain: true }, (error) => {
      if (error) this.options.logger.warn({ topic, err: error.message }, 'could not clear a retained session message');
    });
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
