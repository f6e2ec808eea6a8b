/**
 * The plain subscriber behind the live tail and the consumer helper: a subscription the broker
 * refuses is an explained error, not a quiet broker; the protocol choice is honoured.
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { subscribe } from '../../src/uplink/subscriber.js';

describe('subscriber', () => {
  let broker: Aedes;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    broker = await Aedes.createBroker({
      // Only the node's own tree, like a per-node ACL: anything else is negated (SUBACK 0x80).
      authorizeSubscribe: (_client, subscription, callback) => callback(null, subscription.topic.startsWith('fieldnode/site/own/') ? subscription : null),
    });
    server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });

  it('explains a refused subscription, naming the filter and the user', async () => {
    await expect(subscribe(url, 'fieldnode/site/other/+/data', () => undefined, silentLogger, { username: 'own' })).rejects.toThrow(
      `the broker at ${url} refused the subscription to fieldnode/site/other/+/data (code 128): check its ACL for user own`,
    );
  });

  it('subscribes where it may (falling back to 3.1.1 with auto), and when told to speak 3.1.1 only', async () => {
    for (const protocol of ['auto', '3.1.1'] as const) {
      const subscription = await subscribe(url, 'fieldnode/site/own/+/data', () => undefined, silentLogger, { protocol });
      await subscription.close();
    }
  });

  it('does not fall back when told to speak MQTT 5 only', async () => {
    await expect(subscribe(url, 'fieldnode/site/own/+/data', () => undefined, silentLogger, { protocol: '5' })).rejects.toThrow();
  });
});
