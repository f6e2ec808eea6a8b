/**
 * What a process costs, read from /proc as `top` and `pidstat` read it: CPU time (user +
 * system, all threads), context switches of all its threads (each one a wakeup or a
 * preemption) and resident memory. Linux only, like the gateways this runs on.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One reading of a process's counters. */
export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly contextSwitches: number;
  readonly rssMb: number;
  readonly atMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux this runs on (USER_HZ). */
const USER_HZ = 100;

/** Samples process `pid` now. */
export function sampleProcess(pid: number): ProcessSample {
  // Fields after the command name (which may hold spaces), from proc(5): utime is 14th, stime 15th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  let contextSwitches = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    contextSwitches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds, contextSwitches, rssMb: rssKb / 1024, atMs: performance.now() };
}

/** The cost between two samples, per second of wall time and per reading. */
export function costBetween(before: ProcessSample, after: ProcessSample, readings: number): { cpuPercent: number; cpuMicrosPerReading: number; wakeupsPerSecond: number; seconds: number } {
  const seconds = (after.atMs - before.atMs) / 1000;
  const cpu = after.cpuSeconds - before.cpuSeconds;
  return {
    seconds,
    cpuPercent: (100 * cpu) / seconds,
    cpuMicrosPerReading: readings > 0 ? (cpu * 1e6) / readings : Number.NaN,
    wakeupsPerSecond: (after.contextSwitches - before.contextSwitches) / seconds,
  };
}
