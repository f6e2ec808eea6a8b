import { spawn, type ChildProcess } from 'node:child_process';
import { waitUntil } from './collector.js';

/** The built `fieldnode` command, as `npm start` and an installed package run it. */
export const CLI = 'dist/bin/fieldnode.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: { input?: Buffer | string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A long-running CLI process whose output is collected as it comes. */
export class RunningCli {
  stdout = '';
  stderr = '';
  readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  }

  /**
   * The lines written so far, each whole: a line still being written (no newline yet) is left
   * out while the process runs, so a test never reads half a line that a pipe split.
   */
  stdoutLines(): string[] {
    const running = this.child.exitCode === null && this.child.signalCode === null;
    const text = running ? this.stdout.slice(0, this.stdout.lastIndexOf('\n') + 1) : this.stdout;
    return text.split('\n').filter((line) => line !== '');
  }

  async waitForStdout(test: (lines: string[]) => boolean, timeoutMs = 10_000): Promise<void> {
    await waitUntil(() => test(this.stdoutLines()), timeoutMs, () => `stdout to match; stdout so far:\n${this.stdout}\nstderr:\n${this.stderr}`);
  }

  async waitForStderr(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    await waitUntil(() => pattern.test(this.stderr), timeoutMs, () => `stderr to match ${pattern}; stderr so far:\n${this.stderr}`);
  }

  /** Sends a signal and resolves with the exit code (-1 when killed by a signal). */
  async signal(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  exit(): Promise<number | null> {
    return this.exited;
  }
}
