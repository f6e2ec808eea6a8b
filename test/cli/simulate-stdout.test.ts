/**
 * `fieldnode simulate <device>` printing to stdout, as a person pipes it: into `head`, and
 * with nested device options given on the command line as the README shows them.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, RunningCli, runCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';

/** Runs the CLI with stdout read by something that hangs up after `lines` lines, as `| head -n 3` does. */
function runIntoHead(args: string[], lines: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; seen: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').length > lines) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, seen: stdout.split('\n').slice(0, lines), stderr }));
  });
}

/** SDS011 frames in `bytes` whose checksum holds: `AA C0`, six data bytes, their sum's low byte, `AB`. */
function intactSds011Frames(bytes: Buffer): number {
  let intact = 0;
  for (let at = bytes.indexOf(Buffer.from([0xaa, 0xc0])); at >= 0 && at + 10 <= bytes.length; at = bytes.indexOf(Buffer.from([0xaa, 0xc0]), at + 1)) {
    const sum = bytes.subarray(at + 2, at + 8).reduce((total, byte) => total + byte, 0) & 0xff;
    if (bytes[at + 8] === sum && bytes[at + 9] === 0xab) intact++;
  }
  return intact;
}

describe('fieldnode simulate to stdout', () => {
  it('ends quietly with status 0 when the reader closes the pipe', async () => {
    const result = await runIntoHead(['simulate', 'nmea-gps', '-o', 'intervalMs=20'], 3);
    expect(result.seen.every((line) => line.startsWith('$GP'))).toBe(true);
    expect(result).toMatchObject({ code: 0, signal: null, stderr: '' });
  });

  it('sets nested options from dotted keys, keeping each one given', async () => {
    // Every frame is corrupted only if both rates arrive: either alone leaves half of them intact.
    const run = new RunningCli(['simulate', 'sds011', '--seed', '5', '-o', 'intervalMs=5', '-o', 'faults.badChecksum=0.5', '-o', 'faults.truncated=0.5']);
    const bytes: Buffer[] = [];
    run.child.stdout?.on('data', (chunk: Buffer) => bytes.push(chunk));
    await waitUntil(() => Buffer.concat(bytes).length >= 400);
    expect(await run.signal('SIGINT')).toBe(0);
    const output = Buffer.concat(bytes);
    expect(output.length).toBeGreaterThanOrEqual(400);
    expect(intactSds011Frames(output)).toBe(0);
    // Without faults, the same twin's frames are intact: the check above can tell.
    const clean = new RunningCli(['simulate', 'sds011', '--seed', '5', '-o', 'intervalMs=5', '-o', 'faults.truncated=0']);
    const cleanBytes: Buffer[] = [];
    clean.child.stdout?.on('data', (chunk: Buffer) => cleanBytes.push(chunk));
    await waitUntil(() => Buffer.concat(cleanBytes).length >= 100);
    expect(await clean.signal('SIGINT')).toBe(0);
    expect(intactSds011Frames(Buffer.concat(cleanBytes))).toBeGreaterThanOrEqual(10);
  });

  it('names the full path of an unknown nested key, and refuses a key under a value', async () => {
    const unknown = await runCli(['simulate', 'sds011', '-o', 'faults.badChecksun=0.05']);
    expect(unknown.code).toBe(78);
    expect(unknown.stderr).toMatch(/^ {2}faults\.badChecksun: unknown key/m);
    const clash = await runCli(['simulate', 'sds011', '-o', 'seed=3', '-o', 'seed.x=1']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe('fieldnode: --option seed is already set to a value, so it cannot also take seed.x\n');
  });
});
