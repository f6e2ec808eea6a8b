/**
 * Pseudo-terminal pairs made by socat: a simulator writes to one end and the runtime's real
 * serialport binding reads the other, which is hardware-in-the-loop without the hardware.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { SerialPort as SerialPortClass } from 'serialport';
import type { DeviceLink } from '../../src/index.js';
import { findBinary } from '../find-binary.js';

export interface PtyPair {
  /** The end a device (simulator) writes to and reads from. */
  readonly devicePath: string;
  /** The end the runtime opens, as it would open /dev/ttyUSB0. */
  readonly hostPath: string;
  close(): Promise<void>;
}

/** Whether socat is installed (Debian package `socat`). */
export function hasSocat(): boolean {
  return findBinary('socat') !== undefined;
}

/**
 * Creates a linked pty pair. `hostPath` may name where the runtime-side link should appear
 * (e.g. for `fieldnode simulate --pty`); by default both live in a fresh temp directory.
 */
export async function createPtyPair(options: { hostPath?: string; timeoutMs?: number } = {}): Promise<PtyPair> {
  if (!hasSocat()) throw new Error('socat is not installed (apt-get install socat); it makes the pty pair a simulated board sits on');
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-pty-'));
  const devicePath = join(directory, 'device');
  const hostPath = options.hostPath ?? join(directory, 'host');
  mkdirSync(dirname(hostPath), { recursive: true });
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  socat.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor(() => existsSync(devicePath) && existsSync(hostPath) && /starting data transfer loop/.test(stderr), socat, options.timeoutMs ?? 5000);
  } catch (error) {
    socat.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`socat did not create the pty pair: ${(error as Error).message}\n${stderr}`);
  }
  let closed: Promise<void> | undefined;
  return {
    devicePath,
    hostPath,
    close() {
      closed ??= stopProcess(socat).then(() => rmSync(directory, { recursive: true, force: true }));
      return closed;
    },
  };
}

async function waitFor(ready: () => boolean, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`socat exited with status ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The device's end of a pty, opened with the real serialport binding. */
export interface DeviceEnd {
  readonly link: DeviceLink;
  /** Called with bytes the host side wrote. */
  onReceive(listener: (data: Buffer) => void): void;
  /** Resolves when the reader has caught up with everything written so far. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the device end of a pty pair so a simulator can talk through it. */
export async function openDeviceEnd(devicePath: string): Promise<DeviceEnd> {
  // serialport (with all its parsers) is loaded when a pty is first opened, not with the twins.
  const { SerialPort } = createRequire(import.meta.url)('serialport') as { SerialPort: typeof SerialPortClass };
  const port = new SerialPort({ path: devicePath, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return {
    link: { write: (data) => port.write(data) },
    onReceive: (listener) => port.on('data', listener),
    drained: () => new Promise<void>((resolve) => port.drain(() => resolve())),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
