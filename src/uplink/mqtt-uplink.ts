/**
 * The MQTT session of a node through MQTT.js 5: connection with a retained status and its
 * will, QoS 1 publishing of packs and counting of what the broker acknowledged.
 * The only runtime file that imports mqtt.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { explainBrokerError } from './broker-errors.js';
import { fallbackVersion, initialProtocolVersion, isProtocolRefusal, type ProtocolChoice, type ProtocolVersion } from './protocol.js';

export interface UplinkOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly keepaliveSeconds: number;
  readonly protocol: ProtocolChoice;
  /** Retained topic that carries online/offline; offline is registered as the will. */
  readonly statusTopic: string;
  readonly logger: Logger;
  /** How long stop() waits for unacknowledged packs before giving up on them. */
  readonly drainTimeoutMs?: number;
}

/** Counts since start, for logs, the benchmark and tests. */
export interface UplinkStats {
  packsPublished: number;
  packsAcked: number;
  readingsAcked: number;
  payloadBytesAcked: number;
  publishErrors: number;
}

/** A pack on its way to the broker: the bytes, its topic and how many readings it holds. */
export interface OutgoingPack {
  readonly topic: string;
  readonly payload: Buffer;
  readonly readings: number;
  readonly contentType: string;
}

/** The node's MQTT connection. */
export class MqttUplink implements Lifecycle {
  readonly stats: UplinkStats = { packsPublished: 0, packsAcked: 0, readingsAcked: 0, payloadBytesAcked: 0, publishErrors: 0 };
  private client: MqttClient | undefined;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private lastError: string | undefined;
  private readonly ackListeners: ((pack: OutgoingPack) => void)[] = [];
  private protocolVersion: ProtocolVersion;
  /** Between a protocol refusal and the retry: the disconnect then is expected, not news. */
  private negotiating = false;

  constructor(private readonly options: UplinkOptions) {
    this.protocolVersion = initialProtocolVersion(options.protocol);
  }

  /** Whether the broker connection is up right now. */
  get isConnected(): boolean {
    return this.client?.connected ?? false;
  }

  /** The MQTT version in use: 5, or 4 (3.1.1) after a fallback. */
  get mqttVersion(): ProtocolVersion {
    return this.protocolVersion;
  }

  /** Called when the broker has acknowledged a pack (PUBACK). */
  onAck(listener: (pack: OutgoingPack) => void): void {
    this.ackListeners.push(listener);
  }

  /** Connects in the background: a node must start and buffer even while the broker is away. */
  async start(): Promise<void> {
    if (!this.client) this.client = this.connect();
  }

  private connect(): MqttClient {
    const { url, logger } = this.options;
    const client = mqtt.connect(url, this.clientOptions());
    client.on('connect', () => {
      this.lastError = undefined;
      this.negotiating = false;
      logger.info({ broker: url, mqtt: this.protocolVersion === 5 ? '5' : '3.1.1' }, 'connected to broker');
      client.publish(this.options.statusTopic, statusPayload('online'), { qos: 1, retain: true, properties: { contentType: 'application/json' } });
    });
    client.on('error', (error: Error & { code?: string | number }) => {
      const fallback = isProtocolRefusal(error) ? fallbackVersion(this.options.protocol, this.protocolVersion) : undefined;
      if (fallback) {
        logger.warn({ broker: url }, 'broker refused MQTT 5; falling back to MQTT 3.1.1 (no content type or will delay)');
        this.protocolVersion = fallback;
        // The same client reconnects with the new version, keeping every queued publish.
        client.options.protocolVersion = fallback;
        this.negotiating = true;
        return;
      }
      this.logBrokerError(error);
    });
    client.on('offline', () => {
      if (!this.negotiating) logger.warn({ broker: url }, 'broker connection lost; reconnecting');
    });
    return client;
  }

  /** Publishes a pack at QoS 1; the broker's PUBACK is counted. */
  publish(pack: OutgoingPack): void {
    const client = this.client;
    if (!client) throw new Error('uplink is not started');
    this.stats.packsPublished++;
    this.inFlight++;
    client.publish(pack.topic, pack.payload, { qos: 1, properties: { contentType: pack.contentType } }, (error) => {
      this.inFlight--;
      if (error) {
        this.stats.publishErrors++;
        this.options.logger.error({ topic: pack.topic, err: error.message }, 'publish failed');
      } else {
        this.stats.packsAcked++;
        this.stats.readingsAcked += pack.readings;
        this.stats.payloadBytesAcked += pack.payload.length;
        for (const listener of this.ackListeners) listener(pack);
      }
      if (this.inFlight === 0) this.wakeIdleWaiters();
    });
  }

  /** Resolves when every published pack is acknowledged or `timeoutMs` has passed. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Waits for outstanding acknowledgements, marks the node offline and disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    // Give unacknowledged packs a bounded chance, even while reconnecting: MQTT.js holds them
    // in memory only, so ending now would lose them.
    const drained = await this.drained(this.options.drainTimeoutMs ?? 5000);
    if (!drained) this.options.logger.warn({ unacknowledged: this.inFlight }, 'stopping with packs not acknowledged by the broker');
    if (client.connected) {
      await client.publishAsync(this.options.statusTopic, statusPayload('offline'), { qos: 1, retain: true, properties: { contentType: 'application/json' } }).catch(() => undefined);
    }
    await client.endAsync(!client.connected);
  }

  private clientOptions(): IClientOptions {
    const { clientId, username, password, keepaliveSeconds, statusTopic } = this.options;
    return {
      protocolVersion: this.protocolVersion,
      clientId,
      keepalive: keepaliveSeconds,
      reconnectPeriod: 1000,
      // Keep trying after a refusal (bad password, ACL): the fix is usually made on the broker.
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
      will: { topic: statusTopic, payload: statusPayload('offline'), qos: 1, retain: true, properties: { contentType: 'application/json' } },
    };
  }

  private logBrokerError(error: Error): void {
    const explained = explainBrokerError(error, this.options.url);
    // MQTT.js reports the same failure on every retry; say it once until something changes.
    if (explained === this.lastError) return;
    this.lastError = explained;
    this.options.logger.error({ broker: this.options.url }, explained);
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function statusPayload(state: 'online' | 'offline'): Buffer {
  return Buffer.from(JSON.stringify({ state }));
}
