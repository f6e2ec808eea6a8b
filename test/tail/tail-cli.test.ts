/**
 * `fieldnode tail` as a technician runs it, against a real broker (aedes in the test process)
 * and real simulated nodes: filters by node, board and sensor select exactly those readings;
 * births and statuses show inline; crafted packs with a jump in their numbers show a gap and a
 * duplicate; output is plain in a pipe; an unplugged board on a pty shows offline and back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { hostOnPty } from '../../simulators/host.js';
import { describeWithBinary } from '../support/binaries.js';
import { RunningCli } from '../support/cli.js';
import { simulatedNode, validateSimulated, type SimulatedNode } from '../support/simulated-node.js';

const station = (id: string) => ({
  id,
  simulator: { device: 'weather-station', intervalMs: 40 },
  device: { type: 'lines' },
  sensors: [
    { name: 'temperature', unit: 'Cel', key: 't' },
    { name: 'humidity', unit: '%RH', key: 'h' },
  ],
});

function nodeConfig(brokerUrl: string, id: string, boards: unknown[]) {
  return validateSimulated({
    dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-tail-')),
    node: { id, site: 'test-site' },
    broker: { url: brokerUrl, protocol: '3.1.1' },
    batching: { maxReadings: 4, maxDelayMs: 100 },
    boards,
  });
}

const jsonLines = (cli: RunningCli) => cli.stdoutLines().map((line) => JSON.parse(line) as Record<string, unknown>);
const readingsOf = (cli: RunningCli) => jsonLines(cli).filter((event) => event['kind'] === 'reading');

describe('fieldnode tail on a broker with live nodes', () => {
  let broker: EmbeddedBroker;
  let nodes: SimulatedNode[];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    nodes = [simulatedNode(nodeConfig(broker.url, 'north-1', [station('station'), station('roof')])), simulatedNode(nodeConfig(broker.url, 'south-1', [station('station')]))];
    for (const node of nodes) await node.start();
  });
  afterAll(async () => {
    for (const node of nodes ?? []) await node.stop();
    await broker?.close();
  });

  it('shows exactly the readings of one node, board and sensor, with their births and statuses, as JSON lines', async () => {
    const cli = new RunningCli(['tail', '--broker', broker.url, '--node', 'north-1', '--board', 'roof', '--sensor', 'humidity', '--json']);
    await cli.waitForStdout(() => readingsOf(cli).length >= 6);
    expect(await cli.signal('SIGINT')).toBe(0);
    const events = jsonLines(cli);
    for (const reading of readingsOf(cli)) {
      expect(reading).toMatchObject({ site: 'test-site', node: 'north-1', board: 'roof', sensor: 'humidity', name: 'north-1/roof/humidity', unit: '%RH', historical: false });
      expect(typeof reading['value']).toBe('number');
      expect(Date.parse(reading['time'] as string)).toBeGreaterThan(0);
      expect(reading['seq']).toEqual(expect.any(Number));
    }
    // The node's birth and status (stored by the broker), the roof board's, and nothing of the station board or another node.
    expect(events.filter((event) => event['kind'] === 'birth').map((event) => [event['board'], event['retained']])).toEqual(expect.arrayContaining([[undefined, true], ['roof', true]]));
    expect(events.find((event) => event['kind'] === 'birth' && event['board'] === undefined)?.['birth']).toMatchObject({ node: 'north-1', boards: [{ board: 'station' }, { board: 'roof' }] });
    expect(events.filter((event) => event['kind'] === 'status').map((event) => [event['board'], event['state']])).toEqual(expect.arrayContaining([[undefined, 'online'], ['roof', 'online']]));
    expect(events.every((event) => event['node'] === 'north-1' && event['board'] !== 'station')).toBe(true);
    // Both boards' packs count in the node's sequence: no false gap from the station's packs.
    expect(events.filter((event) => event['kind'] === 'gap')).toEqual([]);
    expect(cli.stderr).toContain(`watching fieldnode/any/north-1, board roof, sensor humidity on ${broker.url}; Ctrl-C stops`);
  });

  it('shows every node under the prefix by default, as plain lines without colour codes when piped', async () => {
    const cli = new RunningCli(['tail', '--broker', broker.url]);
    const reading = (node: string) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} {2}test-site/${node}/(station|roof) {2}(temperature|humidity)\\s+-?\\d+(\\.\\d+)? (Cel|%RH)$`);
    await cli.waitForStdout((lines) => lines.some((line) => reading('north-1').test(line)) && lines.some((line) => reading('south-1').test(line)));
    expect(await cli.signal('SIGINT')).toBe(0);
    const lines = cli.stdoutLines();
    expect(cli.stdout).not.toContain('\u001b');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/ {2}test-site\/south-1 {2}birth fieldnode \S+, boot \d+, 1 board: station \(lines on simulator:weather-station: temperature Cel, humidity %RH\) \(retained\)$/)]));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/ {2}test-site\/north-1\/roof {2}online \(retained\)$/)]));
    expect(lines.filter((line) => / gap: /.test(line))).toEqual([]);
  });

  it('shows a gap and a duplicate in a node\'s sequence, once each, in words and in JSON', async () => {
    const text = new RunningCli(['tail', '--broker', broker.url, '--site', 'lab', '--node', 'crafted']);
    const json = new RunningCli(['tail', '--broker', broker.url, '--site', 'lab', '--json']);
    await Promise.all([text.waitForStderr(/watching/), json.waitForStderr(/watching/)]);
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    const send = async (seq: number) => {
      const payload = encodePack([{ name: 'pm2_5', value: 10 + seq, unit: 'ug/m3', time: Date.now() }], 'crafted/air/', { boot: 9, seq });
      await client.publishAsync('fieldnode/lab/crafted/air/data', payload, { qos: 1 });
    };
    for (const seq of [40, 41, 41, 45]) await send(seq);
    await client.endAsync();
    await text.waitForStdout((lines) => lines.some((line) => line.includes('pm2_5') && line.endsWith('55 ug/m3')));
    await json.waitForStdout(() => readingsOf(json).length === 3);
    expect([await text.signal('SIGINT'), await json.signal('SIGINT')]).toEqual([0, 0]);
    expect(text.stdoutLines().map((line) => line.slice(14))).toEqual([
      expect.stringMatching(/^lab\/crafted\/air {2}pm2_5 +50 ug\/m3$/),
      expect.stringMatching(/^lab\/crafted\/air {2}pm2_5 +51 ug\/m3$/),
      'lab/crafted/air  duplicate: pack 41 (boot 9) delivered again, its readings not repeated',
      "lab/crafted  gap: 3 packs missing (seq 42-44, boot 9) before board air's pack 45",
      expect.stringMatching(/^lab\/crafted\/air {2}pm2_5 +55 ug\/m3$/),
    ]);
    expect(jsonLines(json).map((event) => event['kind'])).toEqual(['reading', 'reading', 'duplicate', 'gap', 'reading']);
    expect(jsonLines(json)[3]).toEqual({ kind: 'gap', site: 'lab', node: 'crafted', board: 'air', boot: 9, from: 42, to: 44, missing: 3, seq: 45 });
  });

  it('refuses a command line that names no broker, or a name that cannot be a topic level (exit 64)', async () => {
    const none = new RunningCli(['tail']);
    expect(await none.exit()).toBe(64);
    expect(none.stderr).toContain('give a config');
    const bad = new RunningCli(['tail', '--broker', broker.url, '--node', 'a/b']);
    expect(await bad.exit()).toBe(64);
    expect(bad.stderr).toMatch(/--node.*letters, digits/);
  });
});

describeWithBinary('socat', 'socat', 'fieldnode tail while a board is unplugged', () => {
  it('shows the board go offline with its reason and come back, between its readings', async () => {
    const broker = await startEmbeddedBroker();
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-tail-unplug-'));
    const hostPath = join(directory, 'ttyUSB-air');
    const hosted = await hostOnPty('sds011', { seed: 5, intervalMs: 50 }, { hostPath });
    const node = simulatedNode(nodeConfig(broker.url, 'pole-7', [{ id: 'air', port: hostPath, device: { type: 'sds011', baud: 9600 }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }] }]));
    await node.start();
    const cli = new RunningCli(['tail', '--broker', broker.url]);
    try {
      const air = / {2}test-site\/pole-7\/air {2}pm2_5 +\d+(\.\d+)? ug\/m3$/;
      const count = (pattern: RegExp) => cli.stdoutLines().filter((line) => pattern.test(line)).length;
      await cli.waitForStdout(() => count(air) >= 3);
      await hosted.unplug();
      await cli.waitForStdout((lines) => lines.some((line) => / {2}test-site\/pole-7\/air {2}offline: hung up$/.test(line)));
      await hosted.replug();
      const offlineAt = cli.stdoutLines().findIndex((line) => line.includes('offline: hung up'));
      await cli.waitForStdout((lines) => lines.slice(offlineAt).some((line) => / {2}test-site\/pole-7\/air {2}online$/.test(line)) && lines.slice(offlineAt).filter((line) => air.test(line)).length >= 2);
      expect(await cli.signal('SIGINT')).toBe(0);
    } finally {
      if (cli.child.exitCode === null) await cli.signal('SIGINT');
      await node.stop();
      await hosted.stop();
      await broker.close();
    }
  });
});
