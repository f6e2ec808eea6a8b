/**
 * A real outage: mosquitto stops for 10 s and starts again on the same port. The node must
 * have a publish acknowledged within a few seconds of the broker's return, not after the
 * tens of seconds an uncapped backoff reaches (see reconnect-policy.test.ts for long outages).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { MqttUplink } from '../../src/uplink/mqtt-uplink.js';
import { UNREACHABLE_MAX_DELAY_MS } from '../../src/uplink/reconnect-policy.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

const OUTAGE_MS = 10_000;

describeWithBinary('mosquitto', 'mosquitto', 'reconnection after a real broker outage', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker?.close());

  it(`publishes within ${UNREACHABLE_MAX_DELAY_MS / 1000} s (plus the handshake) of the broker's return after a ${OUTAGE_MS / 1000} s outage`, { timeout: 60_000 }, async () => {
    const uplink = new MqttUplink({
      url: broker.url,
      clientId: `outage-${Math.random().toString(16).slice(2)}`,
      keepaliveSeconds: 30,
      protocol: '5',
      will: { topic: 'fieldnode/site/outage-node/status', payload: () => Buffer.from('{}'), delaySeconds: 0 },
      // The configured defaults.
      reconnect: { initialDelayMs: 1000, maxDelayMs: 60_000 },
      clock: systemClock,
      logger: memoryLogger(),
    });
    try {
      await uplink.start();
      await waitUntil(() => uplink.isConnected, 10_000);
      await broker.stop();
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await broker.start();
      const back = performance.now();
      let acknowledgedAfter: number | undefined;
      // Offer a publish whenever the uplink says it is connected, as the forwarder does.
      while (acknowledgedAfter === undefined && performance.now() - back < 40_000) {
        if (uplink.isConnected) {
          const error = await new Promise<Error | undefined>((resolve) =>
            uplink.publish({ topic: 'fieldnode/site/outage-node/probe/data', payload: Buffer.from('x'), contentType: 'text/plain' }, resolve),
          );
          if (!error) acknowledgedAfter = performance.now() - back;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      expect(acknowledgedAfter).toBeDefined();
      expect(acknowledgedAfter).toBeLessThan(UNREACHABLE_MAX_DELAY_MS + 1500);
    } finally {
      await uplink.stop();
    }
  });
});
