/**
 * Hardware in the loop over a socat pty, through the real serialport binding: an SDS011 twin
 * is unplugged (its pty removed) and plugged back under the same path; the runtime reports the
 * board offline, reopens the port by itself, and the readings resume.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FieldnodeConsumer, type ConsumedPack, type SessionMessage } from '../../src/consumer/consumer.js';
import { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { hostOnPty } from '../../simulators/host.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { validateConfig } from '../../src/config/load.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describeWithBinary('socat', 'socat', 'unplug and replug a serial sensor', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });
  afterAll(() => broker.close());

  it('recovers by itself within 2 s of the port reappearing, and the readings resume', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-replug-'));
    const hostPath = join(directory, 'by-id', 'usb-1a86_USB2.0-Serial-if00-port0');
    const hosted = await hostOnPty('sds011', { seed: 5, intervalMs: 50 }, { hostPath });
    const packs: ConsumedPack[] = [];
    const sessions: SessionMessage[] = [];
    const consumer = await FieldnodeConsumer.connect(broker.url, { onPack: (pack) => packs.push(pack), onSession: (message) => sessions.push(message) });
    const node = new FieldNode(
      validateConfig({
        dataDir: join(directory, 'data'),
        node: { id: 'replug-node', site: 'lab' },
        broker: { url: broker.url, protocol: '3.1.1' },
        batching: { maxReadings: 4, maxDelayMs: 100 },
        boards: [{ id: 'air', port: hostPath, device: { type: 'sds011', baud: 9600 }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }] }],
      }),
    );
    await node.start();
    const readings = () => packs.reduce((sum, pack) => sum + pack.records.length, 0);
    const boardStates = () => sessions.filter((message) => message.kind === 'status' && message.board === 'air').map((message) => message.body['state']);
    await waitUntil(() => readings() >= 5);

    await hosted.unplug();
    await waitUntil(() => boardStates().at(-1) === 'offline', 5000);
    // The pty hung up; the board says so rather than staying online with nothing to read.
    expect(sessions.filter((message) => message.kind === 'status' && message.board === 'air').at(-1)?.body['reason']).toBe('hung up');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const beforeReplug = node.stats().boards['air']!.readings;

    await hosted.replug();
    const replugged = performance.now();
    await waitUntil(() => node.stats().boards['air']!.readings > beforeReplug, 5000);
    const recoveryMs = performance.now() - replugged;
    console.info(`replug: readings resumed ${recoveryMs.toFixed(0)} ms after the port reappeared`);
    expect(recoveryMs).toBeLessThan(2000);
    const atResume = readings();
    await waitUntil(() => readings() >= atResume + 5 && boardStates().at(-1) === 'online', 5000);
    expect(boardStates()).toEqual(['online', 'offline', 'online']);
    await node.stop();
    await hosted.stop();
    await consumer.close();
  });
});
