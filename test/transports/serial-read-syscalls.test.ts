/**
 * What reading a serial port costs in system calls, seen by strace in a real process reading
 * a socat pty through the real binding: a quiet port (a line every 100 ms) is read as each
 * line arrives and never tried while empty, and a streaming one (a line every millisecond) is
 * read in a few large reads, without a poller watch set up for each. An empty read is not
 * free: Node reports its EAGAIN as a thrown error.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createPtyPair } from '../../simulators/transports/pty.js';
import { describeWithBinary } from '../support/binaries.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The calls of a trace of several threads, each on one line: strace splits a call another thread
 * interrupts, and pads the result of a resumed call to a column (`<... openat resumed>)      = 21`).
 */
function wholeCalls(trace: string): string[] {
  const pending = new Map<string, string>();
  const calls: string[] = [];
  for (const line of trace.split('\n')) {
    const [, pid, rest] = /^(\d+)\s+(.*)$/.exec(line) ?? [];
    if (pid === undefined || rest === undefined) continue;
    if (rest.endsWith('<unfinished ...>')) pending.set(pid, rest.slice(0, -'<unfinished ...>'.length));
    else if (rest.startsWith('<...')) {
      calls.push(`${pending.get(pid) ?? ''}${rest.replace(/^<\.\.\. \w+ resumed>/, '')}`);
      pending.delete(pid);
    } else calls.push(rest);
  }
  return calls;
}

/**
 * The reads of the port's descriptor between two markers of the trace, how many found nothing,
 * and how often the port's poller watch was changed (epoll_ctl: added, or removed).
 */
function readsBetween(trace: string, from: string, to: string): { reads: number; empty: number; watches: number } {
  const lines = wholeCalls(trace);
  const open = lines.map((line) => /openat\(.*"[^"]*\/host", .*\)\s+= (\d+)$/.exec(line)).find(Boolean);
  if (!open) throw new Error('the trace has no open of the port');
  const fd = open[1]!;
  let inside = false;
  const counts = { reads: 0, empty: 0, watches: 0 };
  for (const line of lines) {
    if (line.includes(`"@${from}\\n"`)) inside = true;
    else if (line.includes(`"@${to}\\n"`)) inside = false;
    else if (inside && new RegExp(`^read\\(${fd},`).test(line)) {
      counts.reads++;
      if (line.includes('EAGAIN')) counts.empty++;
    } else if (inside && new RegExp(`^epoll_ctl\\(\\d+, EPOLL_CTL_\\w+, ${fd},`).test(line)) counts.watches++;
  }
  return counts;
}

describeWithBinary('strace', 'strace', 'serial read system calls', () => {
  it('reads a quiet port as lines arrive without trying it empty, and a streaming one in a few reads without the poller', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldnode-read-syscalls-'));
    const pty = await createPtyPair({ hostPath: join(dir, 'host') });
    const script = `
      const { writeSync } = await import('node:fs');
      const { SerialTransport } = await import(${JSON.stringify(`${process.cwd()}/dist/src/transports/serial.js`)});
      const transport = new SerialTransport({ path: ${JSON.stringify(pty.hostPath)}, baudRate: 115200, watchDevice: false });
      let bytes = 0;
      transport.onData((chunk) => { bytes += chunk.length; writeSync(1, 'bytes ' + bytes + '\\n'); });
      await transport.start();
      writeSync(1, 'ready\\n');
      process.stdin.on('data', (data) => { for (const marker of data.toString().split('\\n').filter(Boolean)) writeSync(1, '@' + marker + '\\n'); if (data.includes('end')) transport.stop().then(() => process.exit(0)); });
    `;
    const trace = join(dir, 'trace');
    const child = spawn('strace', ['-f', '-e', 'trace=openat,read,write,epoll_ctl', '-o', trace, process.execPath, '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const until = async (condition: () => boolean) => {
      for (let waited = 0; !condition(); waited += 10) {
        if (waited > 20_000) throw new Error(`the reading process did not get there; it printed:\n${output}`);
        await sleep(10);
      }
    };
    await until(() => output.includes('ready'));
    const device = openSync(pty.devicePath, 'r+');
    let sent = 0;
    /** Marks a phase in the trace, then writes `lines` lines `gapMs` apart and waits until all were read. */
    const phase = async (marker: string, lines: number, gapMs: number) => {
      child.stdin.write(`${marker}\n`);
      await sleep(200);
      for (let index = 0; index < lines; index++) {
        const line = `t=${index},h=50.5\n`;
        writeSync(device, line);
        sent += line.length;
        await sleep(gapMs);
      }
      await until(() => output.includes(`bytes ${sent}\n`));
    };

    const quietLines = 10;
    await phase('quiet', quietLines, 100);
    const streamingLines = 1000;
    await phase('streaming', streamingLines, 1);
    child.stdin.write('end\n');
    await exited;
    closeSync(device);
    await pty.close();

    const log = readFileSync(trace, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    const quiet = readsBetween(log, 'quiet', 'streaming');
    const streaming = readsBetween(log, 'streaming', 'end');
    // A loaded machine may read two lines at once, or get one from socat in two pieces; none is read empty.
    expect(quiet.empty).toBe(0);
    expect(quiet.reads).toBeGreaterThan(0);
    expect(quiet.reads).toBeLessThanOrEqual(quietLines * 2);
    expect(streaming.reads).toBeLessThan(streamingLines / 4);
    expect(streaming.empty).toBeLessThanOrEqual(2);
    // A port read through the poller sets its watch up and takes it down (three epoll_ctl
    // calls): here only until the port is seen streaming, not for each read. (The quiet
    // phase's lines come a little slower than one a window: its port stays quiet, never
    // read blind, so none of its reads is empty.)
    expect(streaming.reads).toBeGreaterThanOrEqual(8);
    expect(streaming.watches).toBeLessThanOrEqual(3 * 3);
  });
});
