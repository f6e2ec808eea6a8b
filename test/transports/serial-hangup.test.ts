/**
 * The hang-up-aware read: a zero-length read (what a hung-up tty gives) fails once with
 * HANG_UP instead of being retried forever; everything else is the port's own.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { HANG_UP, hangupAware } from '../../src/transports/serial-hangup.js';

/** A Unix port as bindings-cpp makes one, on a descriptor of our choosing. */
function fakePort(fd: number) {
  let reads = 0;
  const port = {
    fd: fd as number | null,
    poller: new EventEmitter(),
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
