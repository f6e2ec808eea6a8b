import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './find-binary.js';
import { freePort } from './free-port.js';

export interface MosquittoBroker {
  readonly url: string;
  readonly port: number;
  /** Where its config (and persistence file) live. */
  readonly directory: string;
  /** Stops the broker process (SIGTERM), keeping its port for a restart. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

/**
 * Starts a private mosquitto on a free loopback port with its own config. The default
 * max_queued_messages (1000) drops QoS 1 messages under a flood; a test broker must not.
 */
export interface MosquittoOptions {
  /** Keep sessions and queued messages across a restart (written on SIGTERM). */
  readonly persistence?: boolean;
  /** Listener and authentication lines; the default is one anonymous listener on `port`. */
  readonly listeners?: (port: number, directory: string) => string[];
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoBroker> {
  const binary = findBinary('mosquitto');
  if (!binary) throw new Error('mosquitto is not installed (apt-get install mosquitto)');
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-mosquitto-'));
  const configPath = join(directory, 'mosquitto.conf');
  writeFileSync(
    configPath,
    [
      ...(options.listeners?.(port, directory) ?? [`listener ${port} 127.0.0.1`, 'allow_anonymous true']),
      options.persistence ? `persistence true\npersistence_location ${persistenceDirectory(directory)}/\nautosave_interval 0` : 'persistence false',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
    ].join('\n') + '\n',
  );
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    child = spawn(binary, ['-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForPort(port, child, () => output);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    directory,
    start,
    stop,
    async close() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Started as root, mosquitto drops to its own user before writing its database: the
 * directory must be writable by that user too.
 */
function persistenceDirectory(directory: string): string {
  const path = join(directory, 'persist');
  chmodSync(directory, 0o711);
  mkdirSync(path);
  chmodSync(path, 0o777);
  return path;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with status ${child.exitCode}: ${output()}`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
