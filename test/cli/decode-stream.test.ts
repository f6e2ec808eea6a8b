/**
 * `fieldnode decode` on a stream: hex lines as `mosquitto_sub -F %x` prints them, or raw packs
 * back to back (a CBOR sequence), arriving in chunks that split packs anywhere. Each pack is
 * printed when its last byte arrives; a bad one is reported with its position, the rest still read.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePack } from '../../src/codec/index.js';
import { describeWithBinary, findBinary } from '../support/binaries.js';
import { CLI } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

const T0 = Date.UTC(2026, 0, 1, 12);
/** Three packs of two readings each, as a node publishes them. */
const packs = [0, 1, 2].map((index) =>
  encodePack(
    [
      { name: 'temperature', value: 21.5 + index, unit: 'Cel', time: T0 + index * 1000 },
      { name: 'humidity', value: 55 + index, unit: '%RH', time: T0 + index * 1000 + 500 },
    ],
    'ws-01/station/',
  ),
);
const temperatures = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { name: string; value: number }[]).find((record) => record.name.endsWith('temperature'))?.value);

/** The CLI reading stdin that the test writes piece by piece. */
class Decoder {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, 'decode', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  lines(): string[] {
    return this.stdout.split('\n').filter((line) => line !== '');
  }

  /** Writes `chunk` and waits until the output shows `packs` packs in all. */
  async write(chunk: Buffer | string, packs: number): Promise<void> {
    this.child.stdin.write(chunk);
    await waitUntil(() => this.lines().length >= packs, 10_000, () => `${packs} packs; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
    expect(this.lines()).toHaveLength(packs);
  }

  async end(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}

/** Splits `bytes` at the given offsets. */
const split = (bytes: Buffer, ...at: number[]) => [0, ...at].map((start, index) => bytes.subarray(start, at[index] ?? bytes.length));

describe('fieldnode decode on a stream', () => {
  it('prints each hex line (mosquitto_sub -F %x) as it arrives, lines split across chunks', async () => {
    const decoder = new Decoder(['--json']);
    const [first, second, third] = packs.map((pack) => `${pack.toString('hex')}\n`);
    await decoder.write(first!.slice(0, 10), 0);
    await decoder.write(first!.slice(10) + second!.slice(0, 7), 1);
    await decoder.write(second!.slice(7) + third!.slice(0, 30), 2);
    await decoder.write(third!.slice(30), 3);
    expect(await decoder.end()).toBe(0);
    expect(temperatures(decoder.lines())).toEqual([21.5, 22.5, 23.5]);
    expect(decoder.stderr).toBe('');
  });

  it('prints each raw pack of a CBOR sequence as its last byte arrives, packs split mid-way', async () => {
    const decoder = new Decoder(['--json']);
    const stream = Buffer.concat(packs);
    const [a, b] = [packs[0]!.length, packs[0]!.length + packs[1]!.length];
    // Cuts inside the base-name strings of the next pack (at a + 8, b + 10): a pack cut short must not hold back the one before it.
    for (const [index, chunk] of split(stream, 5, a - 1, a + 8, b - 2, b + 10).entries()) {
      // A pack is out once its last byte is in: pack 1 with the chunk ending at a + 8, pack 2 at b + 10, pack 3 with the last.
      await decoder.write(chunk, [0, 0, 1, 1, 2, 3][index]!);
    }
    expect(await decoder.end()).toBe(0);
    expect(temperatures(decoder.lines())).toEqual([21.5, 22.5, 23.5]);
  });

  it('prints tables one after another, as for a single pack', async () => {
    const decoder = new Decoder([]);
    decoder.child.stdin.write(Buffer.concat(packs.slice(0, 2)));
    expect(await decoder.end()).toBe(0);
    expect(decoder.stdout).toBe(
      [
        'time                      name                       value  unit',
        '2026-01-01T12:00:00.000Z  ws-01/station/temperature  21.5   Cel',
        '2026-01-01T12:00:00.500Z  ws-01/station/humidity     55     %RH',
        '',
        'time                      name                       value  unit',
        '2026-01-01T12:00:01.000Z  ws-01/station/temperature  22.5   Cel',
        '2026-01-01T12:00:01.500Z  ws-01/station/humidity     56     %RH',
        '',
      ].join('\n'),
    );
  });

  it('reports a bad raw pack with its byte offset, reads the rest, and exits 1 at the end', async () => {
    const decoder = new Decoder(['--json']);
    const garbage = Buffer.from([0x1c, 0x1d]);
    // Well-formed CBOR, but a map {0: 1} where a pack's array belongs.
    const notAPack = Buffer.from([0xa1, 0x00, 0x01]);
    const stream = Buffer.concat([packs[0]!, garbage, packs[1]!, notAPack, packs[2]!.subarray(0, 9)]);
    await decoder.write(stream, 2);
    expect(await decoder.end()).toBe(1);
    expect(temperatures(decoder.lines())).toEqual([21.5, 22.5]);
    const garbageAt = packs[0]!.length;
    const mapAt = garbageAt + garbage.length + packs[1]!.length;
    expect(decoder.stderr.split('\n')).toEqual([
      `fieldnode: cannot decode pack 2 (byte ${garbageAt}): not CBOR: initial byte 0x1c is reserved`,
      `fieldnode: cannot decode pack 4 (byte ${mapAt}): a SenML pack is a CBOR array`,
      `fieldnode: cannot decode pack 5 (byte ${mapAt + notAPack.length}): the input ends inside this pack`,
      'fieldnode: 3 of 5 packs could not be decoded',
      '',
    ]);
  });

  it('reports a bad hex line with its line number and reads the next lines', async () => {
    const decoder = new Decoder([]);
    const lines = [packs[0]!.toString('hex'), 'zz', '', packs[1]!.toString('hex').slice(0, 12), packs[2]!.toString('hex')];
    decoder.child.stdin.write(`${lines.join('\n')}\n`);
    expect(await decoder.end()).toBe(1);
    expect(decoder.stdout.match(/temperature/g)).toHaveLength(2);
    expect(decoder.stderr).toMatch(/^fieldnode: cannot decode pack 2 \(line 2\): not hexadecimal bytes\nfieldnode: cannot decode pack 3 \(line 4\): not CBOR: .+\nfieldnode: 2 of 4 packs could not be decoded\n$/);
  });

  it('keeps --hex, which reads upper-case hex and forces hex on any input', async () => {
    const hex = new Decoder(['--hex', '--json']);
    hex.child.stdin.write(`${packs[0]!.toString('hex').toUpperCase()}\n`);
    expect(await hex.end()).toBe(0);
    expect(temperatures(hex.lines())).toEqual([21.5]);
    const raw = new Decoder(['--hex']);
    raw.child.stdin.write(packs[0]!);
    expect(await raw.end()).toBe(1);
    expect(raw.stderr).toContain('fieldnode: cannot decode pack 1 (line 1): not hexadecimal bytes\n');
  });
});

describeWithBinary('mosquitto_sub', 'mosquitto-clients', 'mosquitto_sub -F %x | fieldnode decode', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(() => broker?.close());

  it('decodes the packs a real subscriber prints, as they are published', async () => {
    const topic = (index: number) => `fieldnode/site/ws-01/station${index}/data`;
    const publisher = await mqtt.connectAsync(broker.url);
    // A retained first pack reaches the subscriber as it subscribes: once it is decoded, the rest can be published.
    await publisher.publishAsync(topic(0), packs[0]!, { qos: 1, retain: true });
    const subscriber = spawn(findBinary('mosquitto_sub')!, ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'fieldnode/#', '-F', '%x', '-C', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const decoder = new Decoder(['--json']);
    subscriber.stdout.pipe(decoder.child.stdin);
    await waitUntil(() => decoder.lines().length === 1, 10_000, () => `the retained pack; stderr: ${decoder.stderr}`);
    for (const index of [1, 2]) {
      await publisher.publishAsync(topic(index), packs[index]!, { qos: 1 });
      await waitUntil(() => decoder.lines().length === index + 1, 10_000, () => `pack ${index}; stdout: ${decoder.stdout}`);
    }
    await publisher.endAsync();
    expect(await decoder.exited).toBe(0);
    expect(temperatures(decoder.lines())).toEqual([21.5, 22.5, 23.5]);
    expect(decoder.stderr).toBe('');
  });
});
