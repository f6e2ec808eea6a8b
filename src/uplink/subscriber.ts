/**
 * A plain MQTT subscriber for the consumer side (the live tail, the consumer helper):
 * connects, subscribes and hands every message on. Kept apart from the node's own session.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../core/logger.js';
import { explainBrokerError } from './broker-errors.js';
import { isProtocolRefusal } from './protocol.js';

export interface Subscription {
  close(): Promise<void>;
}

/** A message as the subscriber received it. */
export interface ReceivedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly retained: boolean;
  readonly contentType?: string | undefined;
}

export interface SubscribeOptions {
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /**
   * Keep the broker-side session this many seconds while disconnected, so QoS 1 messages
   * published meanwhile wait for the consumer (needs a fixed clientId). 0: a clean session.
   */
  readonly sessionExpirySeconds?: number;
}

/** Subscribes to `filters` at QoS 1 and calls `onMessage` for each message; resolves once subscribed. */
export async function subscribe(url: string, filters: string | string[], onMessage: (message: ReceivedMessage) => void, logger: Logger, options: SubscribeOptions = {}): Promise<Subscription> {
  const client = await connectNegotiating(url, options);
  client.on('error', (error) => logger.error({}, explainBrokerError(error, url)));
  client.on('message', (topic, payload, packet) => onMessage({ topic, payload, retained: packet.retain, contentType: packet.properties?.contentType }));
  await client.subscribeAsync(filters, { qos: 1 });
  return {
    async close() {
      await client.endAsync();
    },
  };
}

/** Connects with MQTT 5, or 3.1.1 when the broker refuses 5 (aedes, older brokers). */
async function connectNegotiating(url: string, options: SubscribeOptions): Promise<MqttClient> {
  const expiry = options.sessionExpirySeconds ?? 0;
  const base: IClientOptions = {
    reconnectPeriod: 1000,
    clientId: options.clientId ?? `fieldnode-sub-${process.pid}-${Date.now().toString(36)}`,
    clean: expiry === 0,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  };
  try {
    return await mqtt.connectAsync(url, { ...base, protocolVersion: 5, properties: { sessionExpiryInterval: expiry } });
  } catch (error) {
    if (!isProtocolRefusal(error as Error & { code?: number })) throw error;
    return mqtt.connectAsync(url, { ...base, protocolVersion: 4 });
  }
}
