/**
 * A plain MQTT subscriber for the consumer side (the live tail, tools): connects, subscribes
 * and hands every message on. Kept apart from the node's own session.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../core/logger.js';
import { explainBrokerError } from './broker-errors.js';
import { isProtocolRefusal } from './protocol.js';

export interface Subscription {
  close(): Promise<void>;
}

/** Subscribes to `filter` at QoS 1 and calls `onMessage` for each message; resolves once subscribed. */
export async function subscribe(url: string, filter: string, onMessage: (topic: string, payload: Buffer) => void, logger: Logger): Promise<Subscription> {
  const client = await connectNegotiating(url);
  client.on('error', (error) => logger.error({}, explainBrokerError(error, url)));
  client.on('message', onMessage);
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    async close() {
      await client.endAsync();
    },
  };
}

/** Connects with MQTT 5, or 3.1.1 when the broker refuses 5 (aedes, older brokers). */
async function connectNegotiating(url: string): Promise<MqttClient> {
  const options = { reconnectPeriod: 1000, clientId: `fieldnode-sub-${process.pid}-${Date.now().toString(36)}` };
  try {
    return await mqtt.connectAsync(url, { ...options, protocolVersion: 5 });
  } catch (error) {
    if (!isProtocolRefusal(error as Error & { code?: number })) throw error;
    return mqtt.connectAsync(url, { ...options, protocolVersion: 4 });
  }
}
