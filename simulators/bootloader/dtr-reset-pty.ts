/**
 * A pty whose opening resets the board behind it, as DTR does on an Arduino's USB-serial
 * chip: avrdude, or the node, opens the port and finds the bootloader just started. A pty
 * carries no modem lines (avrdude's TIOCMGET fails on it, harmlessly), so the open itself is
 * the signal: socat's `wait-slave` holds its transfer loop until a process opens the pty,
 * and logs when it starts. When that process closes the port socat ends; a new one waits for
 * the next open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Atmega328pBoard } from './atmega328p-board.js';

/** The port a host opens to reach an emulated board. */
export interface DtrResetPty {
  readonly path: string;
  /** How many times a host has opened the port (each one reset the board). */
  readonly opens: number;
  /** Resolves when no host has the port open, so that the next open resets the board. */
  free(): Promise<void>;
  close(): Promise<void>;
}

/** Serves `board` on a fresh pty; every open of the pty resets the board. */
export async function serveOnPty(board: Atmega328pBoard): Promise<DtrResetPty> {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-board-'));
  const path = join(directory, 'tty');
  let socat: ChildProcess | undefined;
  let connected = false;
  let closing = false;
  let opens = 0;
  let outgoing: number[] = [];
  let waiting: (() => void)[] = [];
  let idle = false;

  board.onTransmit((byte) => {
    if (!connected) return; // nobody has the port open: the bytes go nowhere, as on a real board
    if (outgoing.length === 0) setImmediate(flush);
    outgoing.push(byte);
  });
  const flush = () => {
    if (connected && outgoing.length > 0) socat?.stdin?.write(Buffer.from(outgoing));
    outgoing = [];
  };

  const listen = () => {
    connected = false;
    idle = false;
    const child = spawn('socat', ['-d', '-d', '-t', '0.05', `pty,raw,echo=0,link=${path},wait-slave,pty-interval=0.005`, 'stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    socat = child;
    // socat's log, a line at a time: a line split across two reads must still be seen.
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLog(line);
    });
    const onLog = (log: string) => {
      if (/PTY is /.test(log)) {
        idle = true;
        waiting.forEach((resolve) => resolve());
        waiting = [];
      }
      if (!connected && /starting data transfer loop/.test(log)) {
        connected = true;
        idle = false;
        opens += 1;
        board.reset('external');
      }
      if (/PTY closed/.test(log)) connected = false;
    };
    child.stdout.on('data', (chunk: Buffer) => board.receive(chunk));
    child.stdin.on('error', () => undefined); // the host closed mid-write: the bytes are lost, as on the wire
    child.on('exit', () => {
      connected = false;
      if (!closing) listen();
    });
  };
  listen();
  const deadline = Date.now() + 5000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error('socat did not create the pty (is the Debian package socat installed?)');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    path,
    get opens() {
      return opens;
    },
    free() {
      return idle ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
    },
    async close() {
      closing = true;
      const child = socat;
      if (child && child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
