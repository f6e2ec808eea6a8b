/**
 * MQTT.js left to its defaults has mqtt-packet build 65,536 two-byte Buffers at the first packet
 * (6 MB of a node's heap), and sets a new keepalive timer at every acknowledgement. Every client
 * of fieldnode, the node's uplink and the subscribers, turns both off; a real QoS 1 exchange
 * with mosquitto writes packet ids both ways, and pings go out while acknowledgements flow.
 */
import type { MqttClient } from 'mqtt';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { MqttUplink } from '../../src/uplink/mqtt-uplink.js';
import { subscribe } from '../../src/uplink/subscriber.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

/** mqtt-packet's number cache, as the copy MQTT.js loads sees it. */
const numberCache = () => createRequire(createRequire(import.meta.url).resolve('mqtt'))('mqtt-packet/numbers.js') as { cache: Record<number, Buffer> };

/** The node's uplink, as the node makes it, to `url`. */
function leanUplink(url: string, keepaliveSeconds: number): MqttUplink {
  return new MqttUplink({
    url,
    clientId: `lean-${process.pid}-${keepaliveSeconds}`,
    keepaliveSeconds,
    protocol: '5',
    will: { topic: 'fieldnode/site/lean/status', payload: () => Buffer.from('{}'), delaySeconds: 0 },
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    clock: systemClock,
    logger: memoryLogger(),
  });
}

describeWithBinary('mosquitto', 'mosquitto', 'MQTT clients without the packet-number cache', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker?.close());

  it('publishes and receives at QoS 1 without building the 65,536 cached Buffers', async () => {
    const received: Buffer[] = [];
    const subscription = await subscribe(broker.url, 'fieldnode/site/lean/+/data', (message) => received.push(message.payload), memoryLogger(), { protocol: '5' });
    const uplink = leanUplink(broker.url, 30);
    try {
      await uplink.start();
      await waitUntil(() => uplink.isConnected, 10_000);
      for (let index = 0; index < 3; index++) {
        const error = await new Promise<Error | undefined>((resolve) => uplink.publish({ topic: 'fieldnode/site/lean/b/data', payload: Buffer.from([index]), contentType: 'application/senml+cbor' }, resolve));
        expect(error ?? undefined).toBeUndefined();
      }
      await waitUntil(() => received.length === 3, 10_000);
      expect(received.map((payload) => payload[0])).toEqual([0, 1, 2]);
      expect(Object.keys(numberCache().cache)).toHaveLength(0);
    } finally {
      await uplink.stop();
      await subscription.close();
    }
  });

  it('pings every keepalive while acknowledgements keep coming', async () => {
    const uplink = leanUplink(broker.url, 1);
    try {
      await uplink.start();
      await waitUntil(() => uplink.isConnected, 10_000);
      let pings = 0;
      (uplink as unknown as { client: MqttClient }).client.on('packetsend', (packet) => {
        if (packet.cmd === 'pingreq') pings++;
      });
      // An acknowledgement every 100 ms for 4 s: with a timer set anew at each, no ping would go.
      for (let index = 0; index < 40; index++) {
        const error = await new Promise<Error | undefined>((resolve) => uplink.publish({ topic: 'fieldnode/site/lean/b/data', payload: Buffer.from([index]), contentType: 'application/senml+cbor' }, resolve));
        expect(error ?? undefined).toBeUndefined();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(pings).toBeGreaterThanOrEqual(2);
      expect(uplink.isConnected).toBe(true);
    } finally {
      await uplink.stop();
    }
  });
});
