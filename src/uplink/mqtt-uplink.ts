/**
 * The node's MQTT connection through MQTT.js 5: connect with a will, reconnect with our own
 * backoff (MQTT.js retries at a fixed period), publish at QoS 1 with acknowledgements,
 * subscribe to commands. What to publish and when is decided by the outbox forwarder and
 * the session; durability lives in the outbox, not here. MQTT.js itself comes from load-mqtt.ts,
 * its client over TCP or TLS from mqtt-stream.ts.
 */
import type { IClientOptions, IClientPublishOptions, MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { Backoff, type BackoffOptions } from '../core/backoff.js';
import { Listeners } from '../core/listeners.js';
import type { TlsMaterial } from '../config/tls-files.js';
import { explainBrokerError } from './broker-errors.js';
import { failureCause, reconnectDelay } from './reconnect-policy.js';
import { SHARED_CLIENT_OPTIONS } from './load-mqtt.js';
import { connectMqtt } from './mqtt-stream.js';
import { fallbackVersion, initialProtocolVersion, isProtocolRefusal, type ProtocolChoice, type ProtocolVersion } from './protocol.js';


/** Who a connection is and how it checks the broker, as MQTT.js takes it: one mapping for the node and its tail. */
export function identityOptions(username: string | undefined, password: string | undefined, tls: TlsMaterial | undefined): IClientOptions {
  return {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(tls
      ? {
          ...(tls.ca ? { ca: tls.ca } : {}),
          ...(tls.cert ? { cert: tls.cert } : {}),
          ...(tls.key ? { key: tls.key } : {}),
          rejectUnauthorized: tls.verifyServer,
          ...(tls.serverName ? { servername: tls.serverName } : {}),
        }
      : {}),
  };
}

export interface UplinkOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly keepaliveSeconds: number;
  readonly protocol: ProtocolChoice;
  readonly tls?: TlsMaterial | undefined;
  /** The will: published by the broker when the node vanishes (the node's death). */
  readonly will: { readonly topic: string; readonly payload: () => Buffer; readonly delaySeconds: number };
  readonly reconnect: BackoffOptions;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A message for the broker at QoS 1. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly contentType: string;
  readonly retain?: boolean;
  /** MQTT 5 correlation data, for command responses. */
  readonly correlationData?: Buffer | undefined;
}

/** Called once per published message: without an error when the broker acknowledged it. */
export type PublishDone = (error?: Error & { code?: string | number }) => void;

/** A command received on a subscribed topic, with the MQTT 5 request/response properties. */
export interface IncomingMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly responseTopic?: string | undefined;
  readonly correlationData?: Buffer | undefined;
  /** Set on a stored retained message the broker delivers on subscribing: old news, not a live message. */
  readonly retain?: boolean | undefined;
}

/** MQTT 5 PUBACK reason 135, 3.1.1 has none: the broker's ACL refused this topic. */
export function isNotAuthorized(error: { code?: string | number } | undefined): boolean {
  return error?.code === 135;
}

/** The node's MQTT connection. */
export class MqttUplink implements Lifecycle {
  private client: MqttClient | undefined;
  private protocolVersion: ProtocolVersion;
  private generation = 0;
  private stopping = false;
  private reconnectTimer: TimerHandle | undefined;
  private lastError: string | undefined;
  /** Set by a protocol fallback: the retry with the other version need not wait. */
  private retryAtOnce = false;
  /** Armed at each connect: only a connection that lasts counts as recovered (resets the backoff). */
  private stableTimer: TimerHandle | undefined;
  /** The broker's limit from CONNACK (MQTT 5), if it announced one. */
  private brokerMaximumPacketSize: number | undefined;
  private readonly backoff: Backoff;
  private readonly connectListeners = new Listeners<[generation: number]>();
  private readonly disconnectListeners = new Listeners<[]>();
  private readonly subscriptions = new Map<string, (message: IncomingMessage) => void>();

  constructor(private readonly options: UplinkOptions) {
    this.protocolVersion = initialProtocolVersion(options.protocol);
    this.backoff = new Backoff(options.reconnect);
  }

  /** Whether the broker connection is up right now. */
  get isConnected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Counts connections: a pack made during generation N and sent during N was sent live. */
  get connectionGeneration(): number {
    return this.generation;
  }

  /** The largest packet the broker accepts, when it said so (MQTT 5 CONNACK). */
  get maximumPacketSize(): number | undefined {
    return this.brokerMaximumPacketSize;
  }

  /** The MQTT version in use: 5, or 4 (3.1.1) after a fallback. */
  get mqttVersion(): ProtocolVersion {
    return this.protocolVersion;
  }

  /** Called on every (re)connection with its generation; returns the unsubscribe. */
  onConnect(listener: (generation: number) => void): () => void {
    return this.connectListeners.add(listener);
  }

  /** Called when an established connection is lost; unacknowledged publishes are then void. */
  onDisconnect(listener: () => void): () => void {
    return this.disconnectListeners.add(listener);
  }

  /** Subscribes now and after every reconnect. */
  subscribe(filter: string, handler: (message: IncomingMessage) => void): void {
    this.subscriptions.set(filter, handler);
    if (this.client?.connected) this.client.subscribe(filter, { qos: 1 });
  }

  /** Connects in the background: a node must start and buffer even while the broker is away. */
  async start(): Promise<void> {
    if (this.client) return;
    this.stopping = false;
    this.client = this.connect();
  }

  /** Publishes at QoS 1; `done` runs on PUBACK or on failure. Only call while connected. */
  publish(message: OutgoingMessage, done: PublishDone): void {
    const client = this.client;
    if (!client) {
      done(new Error('uplink is not started'));
      return;
    }
    const properties: IClientPublishOptions['properties'] = { contentType: message.contentType };
    if (message.correlationData) properties.correlationData = message.correlationData;
    client.publish(message.topic, message.payload, { qos: 1, retain: message.retain ?? false, properties }, (error) => done(error as Parameters<PublishDone>[0]));
  }

  /** Disconnects cleanly after publishing `farewell` (the offline status) if connected. */
  async stop(farewell?: OutgoingMessage): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stopping = true;
    this.options.clock.clearTimeout(this.reconnectTimer);
    this.options.clock.clearTimeout(this.stableTimer);
    this.reconnectTimer = this.stableTimer = undefined;
    this.client = undefined;
    if (client.connected && farewell) {
      await withTimeout(new Promise<void>((resolve) => this.publishOn(client, farewell, () => resolve())), STOP_STEP_MS);
    }
    // A clean DISCONNECT when the broker is there (no will); forced when it does not answer.
    const ended = await withTimeout(client.endAsync(!client.connected).then(() => true), STOP_STEP_MS);
    if (!ended) await client.endAsync(true);
  }

  private publishOn(client: MqttClient, message: OutgoingMessage, done: PublishDone): void {
    client.publish(message.topic, message.payload, { qos: 1, retain: message.retain ?? false, properties: { contentType: message.contentType } }, (error) => done(error as Parameters<PublishDone>[0]));
  }

  private connect(): MqttClient {
    const { url, logger } = this.options;
    const client = connectMqtt(url, this.clientOptions());
    let wasConnected = false;
    /** The last error on this attempt: says whether the broker refused the node or was not there. */
    let failure: (Error & { code?: string | number }) | undefined;
    client.on('connect', (connack) => {
      wasConnected = true;
      this.generation++;
      this.brokerMaximumPacketSize = connack.properties?.maximumPacketSize;
      // A connection that the broker drops at once (a refused pack, a clientId taken over)
      // must not reset the backoff, or the node reconnects in a tight loop.
      this.options.clock.clearTimeout(this.stableTimer);
      this.stableTimer = this.options.clock.setTimeout(() => {
        this.stableTimer = undefined;
        this.lastError = undefined;
        this.backoff.reset();
      }, STABLE_CONNECTION_MS);
      logger.info({ broker: url, mqtt: this.protocolVersion === 5 ? '5' : '3.1.1' }, 'connected to broker');
      for (const filter of this.subscriptions.keys()) client.subscribe(filter, { qos: 1 });
      this.connectListeners.emit(this.generation);
    });
    client.on('message', (topic, payload, packet) => {
      for (const [filter, handler] of this.subscriptions) {
        if (topicMatches(filter, topic)) {
          handler({ topic, payload, responseTopic: packet.properties?.responseTopic, correlationData: packet.properties?.correlationData, retain: packet.retain });
        }
      }
    });
    client.on('error', (error: Error & { code?: string | number }) => {
      // Stopping: the broker may reset the socket after our DISCONNECT; that is no failure.
      if (this.stopping) return;
      const fallback = isProtocolRefusal(error) ? fallbackVersion(this.options.protocol, this.protocolVersion) : undefined;
      if (fallback) {
        logger.warn({ broker: url }, 'broker refused MQTT 5; falling back to MQTT 3.1.1 (no content type, no will delay)');
        this.protocolVersion = fallback;
        Object.assign(client.options, this.versionOptions());
        this.retryAtOnce = true;
        return;
      }
      failure = error;
      this.logBrokerError(error);
    });
    client.on('close', () => {
      this.options.clock.clearTimeout(this.stableTimer);
      this.stableTimer = undefined;
      const cause = failureCause(failure, wasConnected);
      failure = undefined;
      if (wasConnected) {
        wasConnected = false;
        if (!this.stopping) logger.warn({ broker: url }, 'broker connection lost; reconnecting');
        this.disconnectListeners.emit();
      }
      // With reconnectPeriod 0 and a kept session, MQTT.js would hold the callbacks of
      // unacknowledged publishes forever (and stop() would wait for them): fail them now.
      // The forwarder has already taken those packs back for resending.
      failOutstanding(client);
      this.scheduleReconnect(client, () => reconnectDelay(this.backoff, cause));
    });
    return client;
  }

  /** `nextDelay` counts the failure in the backoff; it is not called when no retry is scheduled. */
  private scheduleReconnect(client: MqttClient, nextDelay: () => number): void {
    if (this.stopping || this.reconnectTimer || this.client !== client) return;
    const delay = this.retryAtOnce ? 0 : nextDelay();
    this.retryAtOnce = false;
    this.reconnectTimer = this.options.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopping || this.client !== client) return;
      client.reconnect();
    }, delay);
  }

  private clientOptions(): IClientOptions {
    const { clientId, username, password, keepaliveSeconds, tls } = this.options;
    return {
      ...SHARED_CLIENT_OPTIONS,
      clientId,
      keepalive: keepaliveSeconds,
      // Reconnection is ours (backoff with jitter); MQTT.js would retry at a fixed period.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      resubscribe: false,
      ...identityOptions(username, password, tls),
      ...this.versionOptions(),
    };
  }

  /** What depends on the protocol version: MQTT 5 keeps the session across short blips so the will's delay can apply. */
  private versionOptions(): Pick<IClientOptions, 'protocolVersion' | 'clean' | 'properties' | 'will'> {
    const { will } = this.options;
    const base = { topic: will.topic, payload: will.payload(), qos: 1 as const, retain: true };
    if (this.protocolVersion === 4) return { protocolVersion: 4, clean: true, properties: undefined, will: base };
    return {
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: Math.max(will.delaySeconds, 1) },
      will: { ...base, properties: { willDelayInterval: will.delaySeconds, contentType: 'application/json' } },
    };
  }

  private logBrokerError(error: Error & { code?: string | number }): void {
    const { url, username, password } = this.options;
    const explained = explainBrokerError(error, url, { username, hasPassword: password !== undefined });
    // A broker that stays away reports the same failure on every retry; say it once until something changes.
    if (explained === this.lastError) return;
    this.lastError = explained;
    this.options.logger.error({ broker: this.options.url }, explained);
  }
}

/** How long a connection must last before it counts as recovered. */
const STABLE_CONNECTION_MS = 10_000;
/** Bound on each step of a clean stop (farewell, DISCONNECT), so a dead link cannot hang shutdown. */
const STOP_STEP_MS = 3000;

/** Resolves true when `promise` settles in time, false otherwise. */
function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** Fails MQTT.js's outstanding publish callbacks (its own `_flush`, which it only runs for clean sessions). */
function failOutstanding(client: MqttClient): void {
  (client as unknown as { _flush?: () => void })._flush?.();
}

/** MQTT topic filter matching (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let index = 0; index < filterLevels.length; index++) {
    const level = filterLevels[index];
    if (level === '#') return true;
    if (index >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[index]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
