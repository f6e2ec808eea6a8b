/**
 * Hot-plug over real ptys: the port vanishes (socat exits, as a USB adapter pulled out) and
 * comes back under the same path; the transport reopens it by itself.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { SerialTransport } from '../../src/transports/serial.js';
import type { LinkState } from '../../src/transports/link.js';
import { createPtyPair, openDeviceEnd } from '../../simulators/transports/pty.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';

describeWithBinary('socat', 'socat', 'serial hot-plug', () => {
  it('reopens a port that disappears and comes back under the same path, within 2 s', async () => {
    const hostPath = join(mkdtempSync(join(tmpdir(), 'fieldnode-hotplug-')), 'ttyUSB-by-id');
    let pty = await createPtyPair({ hostPath });
    let device = await openDeviceEnd(pty.devicePath);
    const logger = memoryLogger();
    const transport = new SerialTransport({ path: hostPath, baudRate: 9600, logger, reopen: { clock: systemClock, initialDelayMs: 100, maxDelayMs: 1000 } });
    const received: string[] = [];
    const states: { state: LinkState; reason?: string | undefined; at: number }[] = [];
    transport.onData((chunk) => received.push(chunk.toString()));
    transport.onStatus((state, reason) => states.push({ state, reason, at: performance.now() }));
    await transport.start();
    device.link.write(Buffer.from('before\n'));
    await waitUntil(() => received.join('').includes('before'));

    await device.close();
    await pty.close();
    await waitUntil(() => states.at(-1)?.state === 'closed');
    expect(states.at(-1)).toMatchObject({ state: 'closed', reason: 'hung up' });
    // Unplugged for a while: the transport keeps looking, quietly.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(existsSync(hostPath)).toBe(false);

    pty = await createPtyPair({ hostPath });
    const reappearedAt = performance.now();
    device = await openDeviceEnd(pty.devicePath);
    await waitUntil(() => states.at(-1)?.state === 'open', 5000);
    const recoveryMs = states.at(-1)!.at - reappearedAt;
    console.info(`hot-plug: port reopened ${recoveryMs.toFixed(0)} ms after it reappeared`);
    expect(recoveryMs).toBeLessThan(2000);
    device.link.write(Buffer.from('after\n'));
    await waitUntil(() => received.join('').includes('after'));
    expect(logger.entries.map((entry) => entry.message)).toContain(`serial port ${hostPath} hung up (device unplugged?); waiting for it to come back`);

    await transport.stop();
    await device.close();
    await pty.close();
  });

  it('starts without its port and opens it when it appears', async () => {
    const hostPath = join(mkdtempSync(join(tmpdir(), 'fieldnode-hotplug-')), 'ttyLATE');
    const logger = memoryLogger();
    const transport = new SerialTransport({ path: hostPath, baudRate: 9600, logger, reopen: { clock: systemClock, initialDelayMs: 100, maxDelayMs: 500 } });
    const states: LinkState[] = [];
    transport.onStatus((state) => states.push(state));
    await transport.start();
    expect(states).toEqual(['closed']);
    expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([expect.stringMatching(new RegExp(`^serial port ${hostPath} does not exist: .*; retrying$`))]);
    const pty = await createPtyPair({ hostPath });
    const device = await openDeviceEnd(pty.devicePath);
    await waitUntil(() => states.at(-1) === 'open', 3000);
    // One report of the missing port, however many retries.
    expect(logger.entries.filter((entry) => entry.level === 'error')).toHaveLength(1);
    await transport.stop();
    await device.close();
    await pty.close();
  });
});
