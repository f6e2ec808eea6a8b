import mqtt, { type MqttClient } from 'mqtt';
import { decodePack, type ResolvedRecord } from '../../src/codec/index.js';

/** A message as a separate subscriber saw it. */
export interface CollectedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly contentType?: string | undefined;
  readonly retain: boolean;
}

/**
 * An independent MQTT subscriber, as a consumer of fieldnode would run one: it connects on
 * its own, decodes every data pack and keeps the records in arrival order.
 */
export class Collector {
  readonly messages: CollectedMessage[] = [];
  readonly records: ResolvedRecord[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload, contentType: packet.properties?.contentType, retain: packet.retain });
      if (topic.endsWith('/data')) this.records.push(...decodePack(payload));
    });
  }

  static async connect(url: string, filter: string, protocolVersion: 4 | 5 = 5): Promise<Collector> {
    const client = await mqtt.connectAsync(url, { protocolVersion, reconnectPeriod: 200, clientId: `collector-${Math.random().toString(36).slice(2)}` });
    const collector = new Collector(client);
    await client.subscribeAsync(filter, { qos: 1 });
    return collector;
  }

  /** Waits until at least `count` records arrived. */
  async waitForRecords(count: number, timeoutMs = 15_000): Promise<ResolvedRecord[]> {
    await waitUntil(() => this.records.length >= count, timeoutMs, () => `${this.records.length} of ${count} records`);
    return this.records;
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

/** Polls `condition` until true; fails with `describe()` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
