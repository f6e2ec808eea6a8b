/**
 * Publishes a node's Home Assistant discovery and board states over the node's MQTT connection:
 * discovery after each round of births (the session calls `announce` at start, at every
 * reconnection and on `rebirth`) and again when Home Assistant announces itself, a board's JSON
 * state after each of its batches. States are live only: Home Assistant
 * shows the present, and the SenML packs in the outbox remain the record.
 */
import type { BoardConfig } from '../config/board-schema.js';
import type { HomeAssistantConfig } from '../config/homeassistant-schema.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Reading } from '../core/reading.js';
import type { IncomingMessage, MqttUplink } from '../uplink/mqtt-uplink.js';
import { boardStateTopic, type NodeAddress } from '../uplink/topics.js';
import { birthTopicOf, discoveryMessages, goneTopics, mergeValues, statePayload, type BoardValues, type DiscoveryMessage } from './discovery.js';

export interface PublisherOptions {
  readonly uplink: Pick<MqttUplink, 'publish' | 'subscribe' | 'isConnected'>;
  readonly address: NodeAddress;
  readonly boards: readonly BoardConfig[];
  /** The `homeassistant:` section; without one the publisher publishes and subscribes to nothing. */
  readonly settings: HomeAssistantConfig | undefined;
  readonly version: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** In [0, 1): spreads the resends of many nodes after Home Assistant starts (default Math.random). */
  readonly random?: () => number;
}

const JSON_TYPE = 'application/json';
/**
 * After Home Assistant announces itself, discovery is sent again within this window, at a random
 * point: Home Assistant's discovery documentation asks for a delay, so that a restart does not
 * meet every device at once.
 */
export const RESEND_MIN_MS = 1000;
export const RESEND_SPREAD_MS = 4000;

export class HomeAssistantPublisher {
  private settings: HomeAssistantConfig | undefined;
  private messages: DiscoveryMessage[];
  private readonly values = new Map<string, BoardValues>();
  private resendTimer: TimerHandle | undefined;
  private attached = false;
  private readonly subscribed = new Set<string>();

  constructor(private readonly options: PublisherOptions) {
    this.settings = options.settings;
    this.messages = this.settings ? discoveryMessages({ ...options, settings: this.settings }) : [];
  }

  /** The discovery configs this node publishes now. */
  get discovery(): readonly DiscoveryMessage[] {
    return this.messages;
  }

  /** Publishes from now on, and follows Home Assistant's announcements, until the returned function is called. */
  attach(): () => void {
    this.attached = true;
    this.listenForHomeAssistant();
    return () => this.detach();
  }

  /** Sends every discovery config (retained): after the births, which their availability topics point at. */
  announce(): void {
    if (!this.attached) return;
    for (const message of this.messages) this.publish(message.topic, json(message.payload));
  }

  /** A board's batch: its state topic gets the latest value of each of its sensors. */
  readings(boardId: string, readings: readonly Reading[]): void {
    if (readings.length === 0 || !this.settings) return;
    const values = mergeValues(this.values.get(boardId) ?? {}, readings);
    this.values.set(boardId, values);
    if (this.attached) this.publish(boardStateTopic(this.options.address, boardId), json(statePayload(values, readings)));
  }

  /**
   * A reloaded config: discovery for the boards and settings it has, and an empty retained
   * config for every entity that is gone, which makes Home Assistant remove it. Without a
   * `homeassistant:` section every entity is gone and nothing more is published.
   */
  reconfigure(boards: readonly BoardConfig[], settings: HomeAssistantConfig | undefined): void {
    const next = settings ? discoveryMessages({ ...this.options, boards, settings }) : [];
    const gone = goneTopics(this.messages, next);
    this.settings = settings;
    this.messages = next;
    const boardIds = new Set(boards.map((board) => board.id));
    for (const id of this.values.keys()) if (!boardIds.has(id) || !settings) this.values.delete(id);
    if (!this.attached) return;
    this.listenForHomeAssistant();
    for (const topic of gone) this.publish(topic, Buffer.alloc(0));
    this.announce();
  }

  private detach(): void {
    this.attached = false;
    this.options.clock.clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
  }

  private listenForHomeAssistant(): void {
    if (!this.settings) return;
    const topic = birthTopicOf(this.settings);
    if (this.subscribed.has(topic)) return;
    this.subscribed.add(topic);
    this.options.uplink.subscribe(topic, (message) => this.homeAssistantStatus(message));
  }

  /** `online`: Home Assistant (re)started and forgot what it was told; anything else is ignored. */
  private homeAssistantStatus(message: IncomingMessage): void {
    if (!this.attached || !this.settings || message.topic !== birthTopicOf(this.settings)) return;
    if (message.payload.toString('utf8').trim() !== 'online' || this.resendTimer) return;
    const delay = RESEND_MIN_MS + Math.floor((this.options.random ?? Math.random)() * RESEND_SPREAD_MS);
    this.resendTimer = this.options.clock.setTimeout(() => {
      this.resendTimer = undefined;
      this.announce();
    }, delay);
  }

  /** Retained, so Home Assistant finds configs and last values after its own restart. */
  private publish(topic: string, payload: Buffer): void {
    if (!this.options.uplink.isConnected) return;
    this.options.uplink.publish({ topic, payload, contentType: JSON_TYPE, retain: true }, (error) => {
      if (error) this.options.logger.warn({ topic, err: error.message }, 'could not publish to Home Assistant');
    });
  }
}

function json(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}
