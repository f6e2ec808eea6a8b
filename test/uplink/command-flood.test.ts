/**
 * A flood of hostile commands through a real mosquitto: unknown verbs, a 60 KB verb, payloads
 * that are not JSON or too large, rebirths far too often. The node must answer each with a
 * short reason and keep its log to a few lines: the SD card is not the attacker's to fill.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { MqttUplink } from '../../src/uplink/mqtt-uplink.js';
import { Session } from '../../src/uplink/session.js';
import { nodeTree, statusTopic, type NodeAddress } from '../../src/uplink/topics.js';
import { weatherStationConfig } from '../e2e/support.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

const COMMANDS = 5000;
const HUGE_VERB = 'A'.repeat(60_000);
/** The most characters of a request that logs and replies quote (src/core/excerpt.ts). */
const EXCERPT_CHARS = 64;
/** A run of input longer than an excerpt: what no log line or reply may carry. */
const ECHOED = new RegExp(`[AB]{${EXCERPT_CHARS + 1}}`);

/** The i-th hostile request: a verb and a payload. */
function hostile(index: number): { verb: string; payload: string } {
  switch (index % 5) {
    case 0:
      return { verb: `shutdown-${index}`, payload: '' };
    case 1:
      return { verb: index % 50 === 1 ? HUGE_VERB : `\u202e${'A'.repeat(200)}`, payload: '{}' };
    case 2:
      return { verb: 'rebirth', payload: `{"not json ${index}` };
    case 3:
      return { verb: 'rebirth', payload: 'B'.repeat(5000) };
    default:
      return { verb: 'rebirth', payload: '{}' };
  }
}

describeWithBinary('mosquitto', 'mosquitto', 'a flood of hostile commands', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker?.close());

  it(`answers ${COMMANDS} hostile commands briefly and logs a bounded few lines`, { timeout: 120_000 }, async () => {
    const address: NodeAddress = { prefix: 'fieldnode', site: 'test-site', node: 'flood-node' };
    const config = weatherStationConfig({ brokerUrl: broker.url, nodeId: address.node, board: { simulator: { device: 'weather-station' } } });
    const logger = memoryLogger();
    const uplink = new MqttUplink({
      url: broker.url,
      clientId: 'flood-node',
      keepaliveSeconds: 30,
      protocol: '5',
      will: { topic: statusTopic(address), payload: () => Buffer.from('{}'), delaySeconds: 0 },
      reconnect: { initialDelayMs: 1000, maxDelayMs: 60_000 },
      clock: systemClock,
      logger,
    });
    const session = new Session({
      uplink,
      config,
      address,
      boot: 1,
      version: 'test',
      clock: systemClock,
      logger,
      counters: () => ({ outbox: { packs: 0, readings: 0, bytes: 0 }, held: { packs: 0, readings: 0, bytes: 0 }, dropped: {}, problems: {} }),
    });
    const attacker = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'attacker' });
    try {
      await uplink.start();
      await session.start();
      const tree = nodeTree(address);
      const replies: Buffer[] = [];
      attacker.on('message', (topic, payload) => {
        if (topic.startsWith(`${tree}reply/`)) replies.push(payload);
      });
      await attacker.subscribeAsync(`${tree}reply/#`, { qos: 1 });
      // The node has subscribed once it answers.
      for (let tries = 0; replies.length === 0; tries++) {
        if (tries > 150) throw new Error('the node never answered a command');
        if (uplink.isConnected) attacker.publish(`${tree}cmd/ping`, '', { qos: 1, properties: { responseTopic: `${tree}reply/ping` } });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      replies.length = 0;
      logger.entries.length = 0;

      const started = performance.now();
      await Promise.all(
        Array.from({ length: COMMANDS }, (_, index) => {
          const { verb, payload } = hostile(index);
          return attacker.publishAsync(`${tree}cmd/${verb}`, payload, { qos: 1, properties: { responseTopic: `${tree}reply/${index}`, correlationData: Buffer.from(String(index)) } });
        }),
      );
      await waitUntil(() => replies.length >= COMMANDS, 90_000, () => `${replies.length} of ${COMMANDS} replies`);
      const elapsedMs = performance.now() - started;

      const lines = logger.entries.map((entry) => JSON.stringify({ level: entry.level, msg: entry.message, ...entry.fields }));
      const logBytes = lines.reduce((sum, line) => sum + line.length + 1, 0);
      const longestReply = Math.max(...replies.map((reply) => reply.length));
      const echoes = [...lines, ...replies.map((reply) => reply.toString())].filter((text) => ECHOED.test(text)).length;
      // The first of each kind of rejection, one summary, the one rebirth honoured.
      expect({ logLines: lines.length <= 12 ? 'at most 12' : lines.length, logBytes: logBytes <= 8192 ? 'at most 8 KiB' : logBytes }).toEqual({ logLines: 'at most 12', logBytes: 'at most 8 KiB' });
      expect({ echoes, longestReply: longestReply <= 400 ? 'at most 400 bytes' : longestReply }).toEqual({ echoes: 0, longestReply: 'at most 400 bytes' });
      expect(elapsedMs).toBeLessThan(60_000);
      const sample = replies.map((reply) => JSON.parse(reply.toString()) as { command: string; ok: boolean; error?: string });
      expect(sample.filter((reply) => reply.ok)).toHaveLength(1);
      expect(sample.find((reply) => reply.command.startsWith('AAAA'))?.command).toBe(`${'A'.repeat(EXCERPT_CHARS)}… (60000 characters)`);
    } finally {
      await attacker.endAsync();
      await session.stop();
      await uplink.stop();
    }
  });
});
