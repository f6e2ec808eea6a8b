/**
 * Two floods of 100,000 hostile requests against a `fieldnode run` process with a 256 MB heap, through a
 * real mosquitto: fuzzed payloads, reply topics outside the node's tree or on its own topics,
 * payloads far over the limits, and floods of the expensive verbs (read-now, reload-config,
 * set-interval) with every verb allowed. The node must keep publishing readings, keep its
 * memory bounded, publish nothing outside its tree, answer every request that asked safely,
 * and log a few lines, not one per request; the second flood must not add to its memory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodePack } from '../../src/codec/index.js';
import { describeWithBinary } from '../support/binaries.js';
import { CLI } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

const REQUESTS = 100_000;
/** Publishes in flight at once: fast, without a million pending promises in the test itself. */
const WINDOW = 2000;
const NODE_ID = 'hostile-node';
const TREE = `fieldnode/test-site/${NODE_ID}/`;

function configText(brokerUrl: string, dataDir: string, maxDelayMs: number): string {
  return `node: { id: ${NODE_ID}, site: test-site }
dataDir: ${dataDir}
broker: { url: "${brokerUrl}", protocol: "5", reconnect: { initialDelayMs: 100, maxDelayMs: 300 } }
batching: { maxReadings: 20, maxDelayMs: ${maxDelayMs} }
commands: { allow: [ping, rebirth, read-now, get-config, set-interval, reload-config] }
boards:
  - id: station
    simulator: { device: weather-station, intervalMs: 100 }
    device: { type: lines }
    sensors:
      - { name: temperature, unit: Cel, key: t }
      - { name: pressure, unit: Pa, key: p }
`;
}

/** A deterministic source of noise: the run can be repeated byte for byte. */
function noise(seed: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed * 2654435761 + 1;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/** The i-th request: verb, payload, response topic (maybe none, maybe unsafe). */
function hostile(index: number, reloadText: string): { verb: string; payload: Buffer | string; responseTopic?: string } {
  const reply = `${TREE}reply/${index}`;
  switch (index % 10) {
    case 0:
      return { verb: ['ping', 'read-now', 'reload-config', 'set-interval', 'get-config'][index % 5]!, payload: noise(index, index % 300), responseTopic: reply };
    case 1:
      return { verb: 'ping', payload: '{}', responseTopic: [`elsewhere/${index}`, `fieldnode/test-site/other-node/reply/${index}`, `${TREE}cmd/ping`, `${TREE}station/data`][index % 4]! };
    case 2:
      // A broker refuses wildcards and NUL in a response topic itself (a protocol error that
      // ends the sender's connection); what reaches the node are the plain ones it must still refuse.
      return { verb: 'get-config', payload: '{}', responseTopic: [`${TREE}reply/`, `${TREE}reply`, `${TREE}status`, `fieldnode/test-site/reply/${index}`][index % 4]! };
    case 3:
      // One in a hundred is far over any limit; the rest just over the ordinary one.
      return index % 1000 === 3 ? { verb: 'reload-config', payload: Buffer.alloc(300_000, 0x7b), responseTopic: reply } : { verb: 'ping', payload: 'x'.repeat(5000), responseTopic: reply };
    case 4:
      return { verb: 'read-now', payload: JSON.stringify({ board: 'station', sensor: 'temperature', timeoutMs: 2000 }), responseTopic: reply };
    case 5:
      return { verb: 'reload-config', payload: JSON.stringify({ config: reloadText }), responseTopic: reply };
    case 6:
      return { verb: 'set-interval', payload: JSON.stringify({ board: 'station', sensor: 'temperature', intervalMs: 1000 + index }), responseTopic: reply };
    case 7:
      return { verb: `\u202e${'A'.repeat(index % 200)}\u00ff`, payload: '{}', responseTopic: reply };
    case 8:
      return { verb: 'read-now', payload: JSON.stringify({ board: 'station', sensor: 'temperature' }) };
    default:
      return { verb: 'read-now', payload: `{"board":${'['.repeat(1000)}${']'.repeat(1000)},"sensor":"x"}`, responseTopic: reply };
  }
}

/** Resident memory of a process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

describeWithBinary('mosquitto', 'mosquitto', 'a flood of hostile commands against a running node', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker?.close());

  it(`keeps publishing, bounded, inside its tree, through two floods of ${REQUESTS} hostile requests each`, { timeout: 150_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-hostile-'));
    const configPath = join(directory, 'fieldnode.yaml');
    writeFileSync(configPath, configText(broker.url, join(directory, 'data'), 200));
    // A reload the node can take: the running config with another batching delay.
    const reloadText = configText(broker.url, join(directory, 'data'), 300);

    // Everything anyone publishes, to check the node never publishes outside its tree.
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'watcher' });
    const outside: string[] = [];
    const dataTimes: number[] = [];
    let replies = 0;
    let readings = 0;
    watcher.on('message', (topic, payload) => {
      if (!topic.startsWith(TREE)) outside.push(topic);
      else if (topic.endsWith('/data')) {
        dataTimes.push(Date.now());
        readings += decodePack(payload).length;
      } else if (topic.startsWith(`${TREE}reply/`)) replies++;
    });
    await watcher.subscribeAsync('#', { qos: 1 });

    const node = spawn(process.execPath, ['--max-old-space-size=256', CLI, 'run', configPath, '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let logged = '';
    node.stdout.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    node.stderr.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const attacker = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'attacker' });
    try {
      await waitUntil(() => readings > 20, 20_000, () => `readings before the flood; node said:\n${logged}`);
      // The node answers commands once it subscribed.
      await waitUntil(() => replies > 0, 10_000, () => 'a first reply').catch(() => undefined);
      for (let tries = 0; replies === 0 && tries < 100; tries++) {
        await attacker.publishAsync(`${TREE}cmd/ping`, '{}', { qos: 1, properties: { responseTopic: `${TREE}reply/ready` } });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const logLinesBefore = logged.split('\n').filter(Boolean).length;
      const rssBefore = rssMiB(node.pid!);
      const readingsBefore = readings;
      const repliesBefore = replies;

      // Two floods of REQUESTS each: memory a flood leaves behind would show again after the second,
      // while the garbage collector's own headroom (which V8 grows lazily: on Node 24 the first flood
      // takes RSS from about 105 to 260 MiB, where it stays through any number more) would not.
      let expectedReplies = 0;
      const flood = async (first: number) => {
        for (let from = first; from < first + REQUESTS; from += WINDOW) {
          await Promise.all(
            Array.from({ length: Math.min(WINDOW, first + REQUESTS - from) }, (_, offset) => {
              const index = from + offset;
              const { verb, payload, responseTopic } = hostile(index, reloadText);
              if (responseTopic?.startsWith(`${TREE}reply/`) && responseTopic.length > `${TREE}reply/`.length) expectedReplies++;
              return attacker.publishAsync(`${TREE}cmd/${verb}`, payload, { qos: 1, properties: { ...(responseTopic ? { responseTopic } : {}), correlationData: Buffer.from(String(index)) } });
            }),
          );
        }
        await waitUntil(() => replies - repliesBefore >= expectedReplies, 60_000, () => `${replies - repliesBefore} of ${expectedReplies} replies`);
      };
      const started = Date.now();
      await flood(0);
      const rssHalfway = rssMiB(node.pid!);
      await flood(REQUESTS);
      const answeredSeconds = (Date.now() - started) / 1000;
      const rssAfter = rssMiB(node.pid!);
      const peak = peakRssMiB(node.pid!);
      const readingsDuring = readings - readingsBefore;
      // Readings kept coming: no gap of more than 3 s between data packs while the flood lasted.
      const during = dataTimes.filter((time) => time >= started && time <= started + answeredSeconds * 1000);
      const gaps = during.slice(1).map((time, index) => time - during[index]!);
      const logLines = logged.split('\n').filter(Boolean).length - logLinesBefore;
      const figures = { requests: 2 * REQUESTS, answeredSeconds, expectedReplies, rssBeforeMiB: Math.round(rssBefore), rssHalfwayMiB: Math.round(rssHalfway), rssAfterMiB: Math.round(rssAfter), peakRssMiB: Math.round(peak), readingsDuring, longestGapMs: Math.max(0, ...gaps), logLines };
      console.log(`hostile flood figures: ${JSON.stringify(figures)}`);

      expect(outside).toEqual([]);
      expect(replies - repliesBefore).toBe(expectedReplies);
      expect(readingsDuring).toBeGreaterThan(answeredSeconds * 5);
      expect(Math.max(0, ...gaps)).toBeLessThan(3000);
      expect(peak).toBeLessThan(400);
      expect(rssAfter).toBeLessThan(360);
      expect(rssAfter - rssHalfway).toBeLessThan(48);
      expect(logLines).toBeLessThan(100);
      expect(answeredSeconds).toBeLessThan(60);
      expect(node.exitCode).toBeNull();
    } finally {
      await attacker.endAsync();
      await watcher.endAsync();
      const exited = new Promise((resolve) => node.once('exit', resolve));
      node.kill('SIGTERM');
      await exited;
    }
  });
});
