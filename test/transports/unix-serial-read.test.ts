/**
 * The Unix read loop: a zero-length read (what a hung-up tty gives) fails once with HANG_UP
 * instead of being retried forever; everything else is the port's own; bytes that arrive
 * close together are read together.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { ANSWER_MS, FLOOD_BYTES, GATHER_MS, HANG_UP, gatherWindowMs, hangupAware } from '../../src/transports/unix-serial-read.js';
import { SerialTransport } from '../../src/transports/serial.js';
import { createPtyPair, hasSocat } from '../../simulators/transports/pty.js';
import { describeNeeding } from '../support/needs.js';

/** A poller for a regular file, which is always readable: it answers every wait on the next turn. */
class AlwaysReadable extends EventEmitter {
  override once(event: string, listener: (...args: unknown[]) => void): this {
    super.once(event, listener);
    if (event === 'readable') setImmediate(() => this.emit('readable', null));
    return this;
  }
}

/** A Unix port as bindings-cpp makes one, on a descriptor of our choosing. */
function fakePort(fd: number) {
  let reads = 0;
  const port = {
    fd: fd as number | null,
    poller: new AlwaysReadable(),
    get isOpen() {
      return this.fd !== null;
    },
    read: async (_buffer: Buffer, _offset: number, _length: number) => {
      reads++;
      return { buffer: Buffer.alloc(0), bytesRead: 0 };
    },
    close: async () => {
      port.fd = null;
    },
    get innerReads() {
      return reads;
    },
  };
  return port;
}

it('turns an end-of-file read into one hang-up error, not a spin, and leaves the rest to the port', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'fieldnode-hangup-')), 'empty');
  writeFileSync(file, '');
  const fd = openSync(file, 'r');
  const inner = fakePort(fd);
  const binding = hangupAware({ open: async (_options: never) => inner, list: async () => [] });
  const port = (await binding.open(undefined as never)) as typeof inner;
  await expect(port.read(Buffer.alloc(64), 0, 64)).rejects.toMatchObject({ message: HANG_UP, disconnect: true });
  expect(inner.innerReads).toBe(0);
  expect(port.isOpen).toBe(true);
  await port.close();
  expect(inner.fd).toBeNull();
  expect(port.isOpen).toBe(false);
  await expect(port.read(Buffer.alloc(64), 0, 64)).rejects.toMatchObject({ canceled: true });
  expect(await binding.list()).toEqual([]);
  closeSync(fd);
});

it('reads what there is', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'fieldnode-hangup-')), 'data');
  writeFileSync(file, 'AA C0');
  const fd = openSync(file, 'r');
  const binding = hangupAware({ open: async (_options: never) => fakePort(fd) });
  const port = (await binding.open(undefined as never)) as ReturnType<typeof fakePort>;
  const { bytesRead, buffer } = await port.read(Buffer.alloc(64), 0, 64);
  expect(buffer.subarray(0, bytesRead).toString()).toBe('AA C0');
  closeSync(fd);
});

it('leaves ports without a descriptor (Windows, the mock binding) as they are', async () => {
  const other = { isOpen: true, read: async () => ({ buffer: Buffer.alloc(0), bytesRead: 0 }) };
  const port = await hangupAware({ open: async (_options: never) => other }).open(undefined as never);
  expect(port).toBe(other);
});

it('lets bytes gather for at most a quarter of the tty buffer at the baud rate', () => {
  expect(gatherWindowMs(9600)).toBe(GATHER_MS);
  expect(gatherWindowMs(115_200)).toBe(88);
  expect(gatherWindowMs(460_800)).toBe(22);
  expect(gatherWindowMs(1_000_000)).toBe(10);
  expect(gatherWindowMs(4_000_000)).toBe(2);
  expect(gatherWindowMs(undefined)).toBe(GATHER_MS);
});

describeNeeding(hasSocat(), 'socat', 'socat is not installed (apt-get install socat)', 'reading a real pty', () => {
  it('reads a device that writes one line at a time in a few large reads, every byte in order', async () => {
    const pty = await createPtyPair();
    const transport = new SerialTransport({ path: pty.hostPath, baudRate: 115_200, watchDevice: false });
    const chunks: Buffer[] = [];
    transport.onData((chunk) => chunks.push(Buffer.from(chunk)));
    await transport.start();
    const device = openSync(pty.devicePath, 'r+');
    const lines = Array.from({ length: 300 }, (_, index) => `t=${index},h=50.5\n`);
    // One line per timer turn, as a sensor behind a UART writes them.
    for (const line of lines) {
      writeSync(device, line);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const expected = lines.join('');
    for (let waited = 0; Buffer.concat(chunks).length < expected.length && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    closeSync(device);
    await transport.stop();
    await pty.close();
    expect(Buffer.concat(chunks).toString()).toBe(expected);
    // Read as each line came, it took 300 reads (and about six wakeups each); gathered, a few dozen.
    expect(chunks.length).toBeLessThan(lines.length / 4);
  });

  it('reads an answer as its bytes come after the node wrote to the device, where a stream of the same bytes gathers', async () => {
    const pty = await createPtyPair();
    const transport = new SerialTransport({ path: pty.hostPath, baudRate: 115_200, watchDevice: false });
    const chunks: string[] = [];
    transport.onData((chunk) => chunks.push(chunk.toString()));
    await transport.start();
    const device = openSync(pty.devicePath, 'r+');
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Four parts 15 ms apart: on an idle machine all within one window of the first.
    const sendParts = async (tag: string) => {
      const start = performance.now();
      for (let part = 0; part < 4; part++) {
        if (part > 0) await sleep(15);
        writeSync(device, `${tag}${part};`);
      }
      const spanMs = performance.now() - start;
      for (let waited = 0; !chunks.join('').includes(`${tag}3;`) && waited < 5000; waited += 10) await sleep(10);
      return spanMs;
    };
    try {
      // Unasked: the first part is read at once, then at most once a window (a loaded machine spreads the parts further).
      const streamSpanMs = await sendParts('s');
      const streamReads = chunks.length;
      await sleep(gatherWindowMs(115_200) * 3);
      chunks.length = 0;
      // Asked (a request went out): each part is read as it comes.
      await transport.write(Buffer.from('?'));
      await sendParts('a');
      expect(chunks.join('')).toBe('a0;a1;a2;a3;');
      expect(streamReads).toBeLessThanOrEqual(1 + Math.ceil(streamSpanMs / gatherWindowMs(115_200)));
      expect(chunks.length).toBeGreaterThanOrEqual(3);
      expect(4 * 15).toBeLessThan(ANSWER_MS);
    } finally {
      closeSync(device);
      await transport.stop();
      await pty.close();
    }
  });

  it('reads a flood at once instead of a window at a time, so a burst is not capped at 4 KiB a window', async () => {
    const pty = await createPtyPair();
    const transport = new SerialTransport({ path: pty.hostPath, baudRate: 115_200, watchDevice: false });
    let received = 0;
    transport.onData((chunk) => (received += chunk.length));
    await transport.start();
    // 400 KiB written as fast as the pty takes it, by another process (a blocking writer here would stall the reader).
    const total = 400 * 1024;
    const started = performance.now();
    const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(process.argv[1], Buffer.alloc(${total}, 'x'))`, pty.devicePath], { stdio: 'ignore' });
    try {
      for (let waited = 0; received < total && waited < 20_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      const elapsedMs = performance.now() - started;
      expect(received).toBe(total);
      // Held to a window per read of at most the tty's 4 KiB, it would take 100 windows.
      const cappedMs = (total / 4096) * gatherWindowMs(115_200);
      expect(elapsedMs, `${elapsedMs.toFixed(0)} ms`).toBeLessThan(cappedMs / 2);
      expect(FLOOD_BYTES).toBeLessThan(4096);
    } finally {
      writer.kill();
      await transport.stop();
      await pty.close();
    }
  });
});

