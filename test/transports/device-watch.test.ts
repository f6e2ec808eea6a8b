/**
 * The guard against ports that stall without a word: a port whose device node vanished or
 * was replaced is closed and looked for again. Serialport's mock binding stands for such a
 * port (it never errors or hangs up by itself); a temp file stands for its device node.
 */
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockBinding } from '@serialport/binding-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { DeviceWatch, deviceIdentity } from '../../src/transports/device-watch.js';
import { SerialTransport } from '../../src/transports/serial.js';
import type { LinkState } from '../../src/transports/link.js';
import { memoryLogger } from '../support/memory-logger.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Steps virtual time until `done`, letting real file-system events arrive in between (at most 5 s of real time). */
async function eventually(step: () => void, done: () => boolean): Promise<void> {
  for (let tries = 0; tries < 250 && !done(); tries++) {
    await settle();
    step();
  }
}

/** A by-id style link to a device node, and how udev (or socat) makes it anew: same name, same target, another inode. */
function linkedDevice(): { link: string; recreate: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-watch-'));
  const device = join(directory, 'pts-3');
  writeFileSync(device, '');
  const link = join(directory, 'usb-1a86_USB2.0-Serial-if00-port0');
  symlinkSync(device, link);
  return {
    link,
    recreate: () => {
      symlinkSync(device, `${link}.new`);
      renameSync(`${link}.new`, link);
    },
  };
}

describe('DeviceWatch', () => {
  it('says nothing while the node stays, and once when it vanishes', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-watch-'));
    const node = join(directory, 'ttyUSB0');
    writeFileSync(node, '');
    const clock = new VirtualClock();
    const gone: string[] = [];
    const watch = new DeviceWatch(node, deviceIdentity(node)!, clock, (why) => gone.push(why), { events: false });
    clock.advance(5000);
    expect(gone).toEqual([]);
    rmSync(node);
    clock.advance(1000);
    writeFileSync(node, '');
    clock.advance(5000);
    expect(gone).toEqual(['vanished']);
    expect(clock.pendingTimers()).toBe(0);
    watch.stop();
  });

  it('notices a link recreated under the same name between two checks, even to the same device', () => {
    const { link, recreate } = linkedDevice();
    const clock = new VirtualClock();
    const gone: string[] = [];
    new DeviceWatch(link, deviceIdentity(link)!, clock, (why) => gone.push(why), { events: false });
    recreate();
    clock.advance(1000);
    expect(gone).toEqual(['replaced']);
  });

  it('notices a vanished node from the change event, without waiting for a periodic check', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-watch-'));
    const node = join(directory, 'ttyUSB0');
    writeFileSync(node, '');
    const clock = new VirtualClock();
    const gone: string[] = [];
    const watch = new DeviceWatch(node, deviceIdentity(node)!, clock, (why) => gone.push(why));
    // Others come and go beside it: nothing to say, and no check was even scheduled for them.
    writeFileSync(join(directory, 'ttyUSB1'), '');
    rmSync(join(directory, 'ttyUSB1'));
    await settle();
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(5000);
    expect(gone).toEqual([]);
    rmSync(node);
    const removedAt = clock.monotonic();
    await eventually(() => clock.advance(250), () => gone.length > 0);
    expect(gone).toEqual(['vanished']);
    // One settling wait after the event: a periodic check would have taken a second or ten.
    expect(clock.monotonic() - removedAt).toBeLessThanOrEqual(500);
    expect(clock.pendingTimers()).toBe(0);
    watch.stop();
  });

  it('notices a link replaced under the same name from the change event', async () => {
    const { link, recreate } = linkedDevice();
    const clock = new VirtualClock();
    const gone: string[] = [];
    new DeviceWatch(link, deviceIdentity(link)!, clock, (why) => gone.push(why));
    recreate();
    const replacedAt = clock.monotonic();
    await eventually(() => clock.advance(250), () => gone.length > 0);
    expect(gone).toEqual(['replaced']);
    expect(clock.monotonic() - replacedAt).toBeLessThanOrEqual(500);
  });

  it('still checks now and then while it watches, in case a change went unreported', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-watch-'));
    const node = join(directory, 'ttyACM0');
    writeFileSync(node, '');
    const clock = new VirtualClock();
    const watch = new DeviceWatch(node, deviceIdentity(node)!, clock, () => undefined);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(10_000);
    expect(clock.pendingTimers()).toBe(1);
    watch.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stop() cancels its timer', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-watch-'));
    const node = join(directory, 'ttyACM0');
    writeFileSync(node, '');
    const clock = new VirtualClock();
    const watch = new DeviceWatch(node, deviceIdentity(node)!, clock, () => undefined);
    watch.stop();
    watch.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('SerialTransport with a port that never says it is gone', () => {
  afterEach(() => MockBinding.reset());

  it('closes it when its device node vanishes, reports the board offline as "device gone", and reopens it when it returns', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-watch-'));
    const path = join(directory, 'ttyUSB0');
    writeFileSync(path, '');
    MockBinding.createPort(path, { echo: false, record: false });
    const clock = new VirtualClock();
    const logger = memoryLogger();
    const transport = new SerialTransport({ path, baudRate: 9600, binding: MockBinding, watchDevice: true, logger, reopen: { clock, initialDelayMs: 100, maxDelayMs: 1000 } });
    const states: { state: LinkState; reason?: string | undefined }[] = [];
    transport.onStatus((state, reason) => states.push({ state, reason }));
    await transport.start();
    const first = transport.openPort!;
    expect(states).toEqual([{ state: 'open', reason: undefined }]);

    clock.advance(3000);
    expect(states).toHaveLength(1);
    rmSync(path);
    await eventually(() => clock.advance(250), () => states.length > 1);
    expect(states.at(-1)).toEqual({ state: 'closed', reason: 'device gone' });
    await settle();
    expect(first.isOpen).toBe(false);
    expect(logger.entries.map((entry) => entry.message)).toContain(`serial port ${path} is gone (its device node vanished); waiting for it to come back`);

    writeFileSync(path, '');
    for (let step = 0; step < 20 && states.at(-1)?.state !== 'open'; step++) {
      clock.advance(100);
      await settle();
    }
    expect(states.at(-1)).toEqual({ state: 'open', reason: undefined });
    expect(transport.openPort).not.toBe(first);
    await transport.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('is off by default for other bindings, whose paths need not be files', async () => {
    MockBinding.createPort('virtual-board', { echo: false, record: false });
    const clock = new VirtualClock();
    const transport = new SerialTransport({ path: 'virtual-board', baudRate: 9600, binding: MockBinding, reopen: { clock, initialDelayMs: 100, maxDelayMs: 1000 } });
    const states: LinkState[] = [];
    transport.onStatus((state) => states.push(state));
    await transport.start();
    clock.advance(5000);
    expect(states).toEqual(['open']);
    await transport.stop();
  });
});
