import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemdEnvironment, systemdNotifyBinary } from '../../src/service/notify.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { findBinary } from '../support/binaries.js';
import { RunningCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { writeStationConfig } from '../support/config-file.js';
import { memoryLogger } from '../support/memory-logger.js';
import { describeNeeding } from '../support/needs.js';

describe('systemdEnvironment', () => {
  it('reads the socket, and the watchdog only when it is meant for this process', () => {
    expect(systemdEnvironment({}, 42)).toBeUndefined();
    expect(systemdEnvironment({ NOTIFY_SOCKET: '/run/systemd/notify' }, 42)).toEqual({ notifySocket: '/run/systemd/notify' });
    expect(systemdEnvironment({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000' }, 42)).toEqual({ notifySocket: '/run/systemd/notify', watchdogMs: 30_000 });
    expect(systemdEnvironment({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)?.watchdogMs).toBe(30_000);
    // Inherited from a parent under systemd: the watchdog is the parent's, not ours.
    expect(systemdEnvironment({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42)?.watchdogMs).toBeUndefined();
  });
});

describe('systemdNotifyBinary', () => {
  it('says once, in words, that systemd-notify is missing', async () => {
    const logger = memoryLogger();
    const notifier = systemdNotifyBinary(logger, 'systemd-notify-that-does-not-exist');
    notifier.send('READY=1');
    notifier.send('WATCHDOG=1');
    await waitUntil(() => logger.entries.length >= 2, 5_000, () => JSON.stringify(logger.entries));
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/systemd-notify-that-does-not-exist is not installed, so systemd is not told that the node is ready or alive/);
  });
});

const haveBoth = findBinary('socat') !== undefined && findBinary('systemd-notify') !== undefined;
describeNeeding(haveBoth, 'socat and systemd-notify', 'socat or systemd-notify is not installed (apt-get install socat systemd)', 'a node under a notify socket', () => {
  let broker: EmbeddedBroker | undefined;
  let receiver: ChildProcess | undefined;
  let node: RunningCli | undefined;

  afterEach(async () => {
    if (node?.child.exitCode === null) await node.signal('SIGKILL');
    receiver?.kill();
    await broker?.close();
  });

  it('sends READY=1, then WATCHDOG=1 with its status, and STOPPING=1 on SIGTERM', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-notify-'));
    const socket = join(directory, 'notify.sock');
    // A datagram socket standing in for systemd's: socat prints every message it receives.
    receiver = spawn('socat', ['-u', `UNIX-RECV:${socket}`, '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let received = '';
    receiver.stdout!.on('data', (chunk: Buffer) => (received += chunk.toString()));
    broker = await startEmbeddedBroker();
    const config = writeStationConfig(join(directory, 'node.yaml'), { nodeId: 'notified', dataDir: join(directory, 'data'), brokerUrl: broker.url, intervalMs: 100, maxReadings: 5 });

    // WATCHDOG_USEC of 2 s: a ping every second.
    node = new RunningCli(['run', config, '--log-format', 'json'], { NOTIFY_SOCKET: socket, WATCHDOG_USEC: '2000000' });
    await waitUntil(() => received.includes('WATCHDOG=1'), 15_000, () => `WATCHDOG=1 on the socket; received: ${received}\nnode stderr: ${node?.stderr}`);
    const ready = received.indexOf('READY=1');
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(received.indexOf('WATCHDOG=1')).toBeGreaterThan(ready);
    expect(received).toContain(`MAINPID=${node.child.pid}\n`);
    expect(received).toMatch(/STATUS=node notified: \d\/1 board\(s\) reporting, \d+ readings, backlog \d+ pack\(s\), broker connected/);

    expect(await node.signal('SIGTERM')).toBe(0);
    await waitUntil(() => received.includes('STOPPING=1'), 5_000, () => `STOPPING=1 on the socket; received: ${received}`);
  });
});
