import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import { PollLoop } from '../../../src/drivers/poll-loop.js';
import { explainFileError, MAX_FILE_BYTES, PiFileError, SysfsRoot } from '../../../src/transports/pi/sysfs.js';

describe('SysfsRoot', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fieldnode-sysfs-'));
    mkdirSync(join(root, 'proc'));
    writeFileSync(join(root, 'proc/loadavg'), '0.52 0.58 0.59 1/389 12345\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads a file by its path on the Pi, under the root', async () => {
    await expect(new SysfsRoot(root).readText('/proc/loadavg')).resolves.toBe('0.52 0.58 0.59 1/389 12345\n');
    expect(await new SysfsRoot(root).list('/proc')).toEqual(['loadavg']);
  });

  it('names the missing file and says it is missing', async () => {
    const error = await new SysfsRoot(root).readText('/sys/bus/w1/devices/28-0316a2795cff/w1_slave').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PiFileError);
    expect((error as PiFileError).problem).toBe('missing');
    expect((error as PiFileError).message).toBe('/sys/bus/w1/devices/28-0316a2795cff/w1_slave does not exist');
  });

  it('explains errno codes in words (permission also when running as root)', () => {
    const denied = explainFileError(Object.assign(new Error('EACCES'), { code: 'EACCES' }), '/sys/x');
    expect([denied.problem, denied.message]).toEqual(['permission', 'permission denied reading /sys/x: run fieldnode as a user that may read it']);
    const io = explainFileError(Object.assign(new Error('EIO'), { code: 'EIO' }), '/sys/y');
    expect([io.problem, io.message]).toEqual(['io', 'cannot read /sys/y (EIO)']);
  });

  it('refuses relative paths and paths that climb out of the root', async () => {
    await expect(new SysfsRoot(root).readText('proc/loadavg')).rejects.toThrow('give the absolute path');
    await expect(new SysfsRoot(root).readText('/../../etc/passwd')).rejects.toThrow('outside');
  });

  it('refuses a file too large to be a kernel attribute', async () => {
    writeFileSync(join(root, 'proc/huge'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x41));
    await expect(new SysfsRoot(root).readText('/proc/huge')).rejects.toThrow('larger than');
  });

  it('measures the filesystem holding a path', async () => {
    const space = await new SysfsRoot(root).space('/proc');
    expect(space.totalBytes).toBeGreaterThan(0);
    expect(space.freeBytes).toBeGreaterThanOrEqual(0);
    expect(space.freeBytes).toBeLessThanOrEqual(space.totalBytes);
    await expect(new SysfsRoot(root).space('/nowhere')).rejects.toThrow('/nowhere does not exist');
  });
});

describe('PollLoop', () => {
  it('polls at once, then every interval, never two reads at a time, and stops cleanly', async () => {
    const clock = new VirtualClock();
    const started: number[] = [];
    let release: (() => void) | undefined;
    const loop = new PollLoop(clock, 1000, async () => {
      started.push(clock.monotonic());
      await new Promise<void>((resolve) => (release = resolve));
    });
    loop.start();
    clock.advance(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([0]);
    clock.advance(5000); // the read is still in flight: nothing new starts
    expect(started).toEqual([0]);
    release!();
    await loop.settled();
    clock.advance(0); // it overran by 4 intervals: one late read now, no catching up
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([0, 5000]);
    release!();
    await loop.settled();
    clock.advance(1000);
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([0, 5000, 6000]);
    loop.stop();
    release!();
    await loop.settled();
    expect(clock.pendingTimers()).toBe(0);
    loop.stop();
  });

  it('drops what a read returns after a stop', async () => {
    const clock = new VirtualClock();
    const emitted: number[] = [];
    let release: (() => void) | undefined;
    const loop = new PollLoop(clock, 1000, async (isCurrent) => {
      await new Promise<void>((resolve) => (release = resolve));
      if (isCurrent()) emitted.push(clock.now());
    });
    loop.start();
    clock.advance(0);
    await Promise.resolve();
    await Promise.resolve();
    loop.stop();
    loop.start(); // a replug: the old read must not count for the new run
    release!();
    await Promise.resolve();
    await Promise.resolve();
    expect(emitted).toEqual([]);
    loop.stop();
  });
});
