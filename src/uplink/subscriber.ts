/**
 * A plain MQTT subscriber for the consumer side (the live tail, the consumer helper):
 * connects, subscribes and hands every message on. Kept apart from the node's own session.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import { FieldnodeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { explainBrokerError, type OfferedCredentials } from './broker-errors.js';
import type { TlsMaterial } from '../config/tls-files.js';
import { identityOptions } from './mqtt-uplink.js';
import { SHARED_CLIENT_OPTIONS } from './load-mqtt.js';
import { connectMqttAsync } from './mqtt-stream.js';
import { fallbackVersion, initialProtocolVersion, isProtocolRefusal, type ProtocolChoice } from './protocol.js';


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
  /** A broker that asks for TLS (mqtts://, wss://) gets the same material as the node's own connection. */
  readonly tls?: TlsMaterial | undefined;
  /** As the node's `broker.protocol`: `auto` (the default) tries 5, then 3.1.1. */
  readonly protocol?: ProtocolChoice;
}

/** What a refusal's explanation may say of the credentials: whether they were given, never the password. */
export function offeredCredentials(options: SubscribeOptions): OfferedCredentials {
  return { username: options.username, hasPassword: options.password !== undefined };
}

/** SUBACK codes of 0x80 and above refuse a subscription (3.1.1: 0x80; MQTT 5: 0x87 not authorized, ...). */
const FIRST_REFUSAL = 0x80;

/** Subscribes to `filters` at QoS 1 and calls `onMessage` for each message; resolves once subscribed. */
export async function subscribe(url: string, filters: string | string[], onMessage: (message: ReceivedMessage) => void, logger: Logger, options: SubscribeOptions = {}): Promise<Subscription> {
  const client = await connectNegotiating(url, options);
  client.on('error', (error) => logger.error({}, explainBrokerError(error, url, offeredCredentials(options))));
  client.on('message', (topic, payload, packet) => onMessage({ topic, payload, retained: packet.retain, contentType: packet.properties?.contentType }));
  try {
    await client.subscribeAsync(filters, { qos: 1 });
  } catch (error) {
    await client.endAsync();
    // Without this, a refused subscription reads like a quiet broker.
    const refused = refusedFilters([filters].flat(), error);
    if (!refused) throw error;
    const who = options.username === undefined ? 'anonymous clients' : `user ${options.username}`;
    throw new FieldnodeError(`the broker at ${url} refused the subscription to ${refused}: check its ACL for ${who}`, 'SUBSCRIBE', { cause: error });
  }
  return {
    async close() {
      await client.endAsync();
    },
  };
}

/**
 * MQTT.js fails the whole SUBACK when it refuses any filter and hands over the packet: its
 * codes, in the order of the filters, say which (`a/+ (code 135)`); undefined if not a refusal.
 */
function refusedFilters(filters: string[], error: unknown): string | undefined {
  const granted = (error as { packet?: { granted?: unknown } }).packet?.granted;
  if (!Array.isArray(granted) || !granted.some((code) => typeof code === 'number' && code >= FIRST_REFUSAL)) return undefined;
  const codes = granted as number[];
  // Codes that do not line up with the filters (several SUBSCRIBE packets) still say it was refused.
  const codeOf = (index: number) => (codes.length === filters.length ? (codes[index] ?? 0) : Math.max(...codes));
  return filters
    .map((filter, index) => ({ filter, code: codeOf(index) }))
    .filter(({ code }) => code >= FIRST_REFUSAL)
    .map(({ filter, code }) => `${filter} (code ${code})`)
    .join(', ');
}

/** Connects with MQTT 5, or 3.1.1 when the broker refuses 5 (aedes, older brokers) and the protocol choice allows it. */
async function connectNegotiating(url: string, options: SubscribeOptions): Promise<MqttClient> {
  const expiry = options.sessionExpirySeconds ?? 0;
  const base: IClientOptions = {
    ...SHARED_CLIENT_OPTIONS,
    reconnectPeriod: 1000,
    clientId: options.clientId ?? `fieldnode-sub-${process.pid}-${Date.now().toString(36)}`,
    clean: expiry === 0,
    ...identityOptions(options.username, options.password, options.tls),
  };
  const choice = options.protocol ?? 'auto';
  const first = initialProtocolVersion(choice);
  if (first === 4) return connectMqttAsync(url, { ...base, protocolVersion: 4 });
  try {
    return await connectMqttAsync(url, { ...base, protocolVersion: 5, properties: { sessionExpiryInterval: expiry } });
  } catch (error) {
    if (!isProtocolRefusal(error as Error & { code?: number }) || fallbackVersion(choice, first) === undefined) throw error;
    return connectMqttAsync(url, { ...base, protocolVersion: 4 });
  }
}
