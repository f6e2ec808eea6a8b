/**
 * The contract every serial BytesLink keeps, run against each implementation:
 * the in-process mock binding and a socat pty through the real serialport binding.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { LineFramer } from '../../src/transports/line-framing.js';
import { SerialTransport } from '../../src/transports/serial.js';
import { explainOpenError } from '../../src/transports/serial-errors.js';
import type { BytesLink } from '../../src/transports/link.js';
import type { DeviceLink } from '../../src/catalog/twin.js';
import { MockSerialTransport } from '../../simulators/transports/mock-serial.js';
import { createPtyPair, openDeviceEnd } from '../../simulators/transports/pty.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';

/** A transport with a handle on the device's side of the wire. */
interface Harness {
  readonly transport: BytesLink;
  /** Available once the transport is started. */
  device(): { link: DeviceLink; received: Buffer[] };
  dispose(): Promise<void>;
}

function mockHarness(): Harness {
  let device: { link: DeviceLink; received: Buffer[] } | undefined;
  const transport = new MockSerialTransport({
    name: 'contract',
    clock: systemClock,
    createDevice: (link) => {
      const received: Buffer[] = [];
      device = { link, received };
      return { start() {}, stop() {}, receive: (data) => received.push(data) };
    },
    open: (path, binding) => new SerialTransport({ path, binding, baudRate: 9600 }),
  });
  return { transport, device: () => device!, dispose: async () => undefined };
}

async function ptyHarness(): Promise<Harness> {
  const pty = await createPtyPair();
  const end = await openDeviceEnd(pty.devicePath);
  const received: Buffer[] = [];
  end.onReceive((data) => received.push(data));
  const transport = new SerialTransport({ path: pty.hostPath, baudRate: 9600 });
  return {
    transport,
    device: () => ({ link: end.link, received }),
    dispose: async () => {
      await end.close();
      await pty.close();
    },
  };
}

function contract(makeHarness: () => Harness | Promise<Harness>): void {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.transport.stop();
    await harness?.dispose();
    harness = undefined;
  });

  it('delivers every byte the device sends, in order, whatever the chunking', async () => {
    harness = await makeHarness();
    const chunks: Buffer[] = [];
    harness.transport.onData((chunk) => chunks.push(chunk));
    await harness.transport.start();
    const sent = Buffer.from(Array.from({ length: 20_000 }, (_, index) => (index * 7) % 256));
    for (let offset = 0; offset < sent.length; offset += 997) harness.device().link.write(sent.subarray(offset, offset + 997));
    await waitUntil(() => Buffer.concat(chunks).length >= sent.length, 10_000, () => `${Buffer.concat(chunks).length} bytes`);
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
  });

  it('carries lines intact through the line framer', async () => {
    harness = await makeHarness();
    const lines: string[] = [];
    const framer = new LineFramer((line) => lines.push(line));
    harness.transport.onData((chunk) => framer.push(chunk));
    await harness.transport.start();
    const sent = Array.from({ length: 500 }, (_, index) => `t=${index}.5,h=${index % 100}\r`);
    harness.device().link.write(Buffer.from(sent.map((line) => `${line}\n`).join('')));
    await waitUntil(() => lines.length >= sent.length);
    expect(lines).toEqual(sent);
  });

  it('delivers what the runtime writes to the device', async () => {
    harness = await makeHarness();
    await harness.transport.start();
    await harness.transport.write(Buffer.from([0xff, 0x01, 0x86, 0, 0, 0, 0, 0, 0x79]));
    await waitUntil(() => Buffer.concat(harness!.device().received).length >= 9);
    expect(Buffer.concat(harness.device().received).toString('hex')).toBe('ff0186000000000079');
  });

  it('calls a status listener until it unsubscribes, and a restarted transport only the listeners still subscribed', async () => {
    harness = await makeHarness();
    const first: string[] = [];
    const second: string[] = [];
    const unsubscribeFirst = harness.transport.onStatus((state) => first.push(state));
    harness.transport.onStatus((state) => second.push(state));
    await harness.transport.start();
    await waitUntil(() => first.includes('open'));
    await harness.transport.stop();
    unsubscribeFirst();
    unsubscribeFirst();
    await harness.transport.start();
    await waitUntil(() => second.filter((state) => state === 'open').length === 2);
    await harness.transport.stop();
    expect(first).toEqual(['open', 'closed']);
    expect(second).toEqual(['open', 'closed', 'open', 'closed']);
  });

  it('stops twice safely and refuses writes once stopped', async () => {
    harness = await makeHarness();
    await harness.transport.start();
    await harness.transport.stop();
    await harness.transport.stop();
    await expect(harness.transport.write(Buffer.from('x'))).rejects.toThrow(/not open/);
  });
}

describe('serial transport contract: mock binding', () => contract(mockHarness));

describeWithBinary('socat', 'socat', 'serial transport contract: socat pty, real binding', () => contract(ptyHarness));

describe('serial port errors', () => {
  it('names a missing port and how to find the right one', async () => {
    const transport = new SerialTransport({ path: '/dev/serial/by-id/usb-nothing-here', baudRate: 9600 });
    await expect(transport.start()).rejects.toThrow(/serial port \/dev\/serial\/by-id\/usb-nothing-here does not exist: .*\/dev\/serial\/by-id/);
  });

  it('drops a line that grows past the bound, tail included, and reports its size', () => {
    const lines: string[] = [];
    const dropped: number[] = [];
    const framer = new LineFramer((line) => lines.push(line), { maxLineBytes: 100, onOverflow: (bytes) => dropped.push(bytes) });
    framer.push(Buffer.from('t=1\n'));
    framer.push(Buffer.from(`dbg=${'x'.repeat(150)}`));
    framer.push(Buffer.from(`${'x'.repeat(50)},t=99.9\r\n`));
    framer.push(Buffer.from('t=2\n'));
    expect(lines).toEqual(['t=1', 't=2']);
    expect(dropped).toEqual([4 + 150 + 50 + 9]); // the whole line, ',t=99.9\r\n' included
  });

  it('drops an over-long line that arrives in one chunk with its newline', () => {
    const lines: string[] = [];
    const dropped: number[] = [];
    const framer = new LineFramer((line) => lines.push(line), { maxLineBytes: 100, onOverflow: (bytes) => dropped.push(bytes) });
    framer.push(Buffer.from(`${'y'.repeat(99)}\n${'z'.repeat(101)}\nok\n`));
    expect(lines).toEqual(['y'.repeat(99), 'ok']);
    expect(dropped).toEqual([102]);
  });
});

describe('permission errors', () => {
  // Real denials on a pty, by owner, group and mode, are in serial-permission.test.ts.
  it('still say what to check when the device cannot be looked at', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fieldnode-perm-')), 'ttyUSB0');
    const error = explainOpenError(path, new Error('Error: Permission denied, cannot open ' + path));
    expect(error.message).toBe(`permission denied opening ${path}: add the user to the group that owns the device (ls -lL ${path} shows it; usually dialout)`);
  });
});

describe('serial transport stop and start', () => {
  it('releases the port even when stopped while it is still opening, and opens again on the next start', async () => {
    const { MockBinding } = await import('@serialport/binding-mock');
    const path = `/dev/fieldnode-race-${process.pid}`;
    MockBinding.createPort(path, { echo: false, record: false });
    const transport = new SerialTransport({ path, baudRate: 9600, binding: MockBinding });
    const states: string[] = [];
    transport.onStatus((state, reason) => states.push(reason ? `${state}:${reason}` : state));
    void transport.start();
    await transport.stop();
    expect(transport.isOpen).toBe(false);
    // The port is free: another transport can open it.
    const other = new SerialTransport({ path, baudRate: 9600, binding: MockBinding });
    await other.start();
    expect(other.isOpen).toBe(true);
    await other.stop();
    await transport.start();
    expect(transport.isOpen).toBe(true);
    await transport.stop();
    expect(states.filter((state) => state.includes('locked'))).toEqual([]);
  });
});
