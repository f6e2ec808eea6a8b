/**
 * An MQTT 5 client that asks a node as an operator's tool would: each request carries a
 * response topic under the node's `reply/` tree and its own correlation data, and the reply
 * is matched by that correlation data alone.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface Reply {
  readonly command: string;
  readonly ok: boolean;
  readonly result?: Record<string, unknown>;
  readonly error?: string;
  readonly problems?: { path: string; message: string }[];
}

export class Requester {
  private next = 0;
  private readonly waiting = new Map<string, (reply: Reply) => void>();

  private constructor(
    readonly client: MqttClient,
    private readonly tree: string,
  ) {
    client.on('message', (topic, payload, packet) => {
      const id = packet.properties?.correlationData?.toString();
      if (!topic.startsWith(`${tree}reply/`) || id === undefined) return;
      this.waiting.get(id)?.(JSON.parse(payload.toString()) as Reply);
      this.waiting.delete(id);
    });
  }

  static async connect(url: string, tree: string): Promise<Requester> {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `operator-${Math.random().toString(36).slice(2)}` });
    await client.subscribeAsync(`${tree}reply/#`, { qos: 1 });
    return new Requester(client, tree);
  }

  /** Sends `verb` with `argument` (an object, or raw text) and resolves with the reply. */
  request(verb: string, argument: unknown = {}, timeoutMs = 20_000): Promise<Reply> {
    const id = `request-${++this.next}`;
    const payload = typeof argument === 'string' ? argument : JSON.stringify(argument);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no reply to ${verb} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.client.publish(`${this.tree}cmd/${verb}`, payload, { qos: 1, properties: { responseTopic: `${this.tree}reply/${id}`, correlationData: Buffer.from(id) } });
    });
  }

  /** Asks until the node answers: it subscribes to its commands once connected. */
  async ready(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.request('ping', {}, 300);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
