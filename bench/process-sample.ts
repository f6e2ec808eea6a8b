/**
 * What a process costs, read from /proc: CPU time of all its threads, context switches of all
 * its threads (each one a wakeup or a preemption) and resident memory. Linux only, like the
 * gateways this runs on.
 *
 * CPU time is the scheduler's own count in nanoseconds (/proc/<pid>/task/<tid>/schedstat),
 * not the utime and stime that `top` reads: those are sampled at clock ticks (10 ms), so a
 * process that wakes briefly a few times a second is charged whole ticks or none, and over a
 * 15 s window at 0.5 % of a core one tick either way moves the figure by 0.07 %. A thread
 * that ended between two samples is not counted; Node's threads live as long as the process.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One reading of a process's counters. */
export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly contextSwitches: number;
  readonly rssMb: number;
  /**
   * The part of the RSS that is the process's own (RssAnon: heap, stacks, malloc): what the
   * rest is, pages of the node binary and libraries mapped from disk, is shared with every
   * other Node.js process and can be dropped and read again under memory pressure.
   */
  readonly privateMb: number;
  readonly atMs: number;
}

/** Samples process `pid` now. */
export function sampleProcess(pid: number): ProcessSample {
  let runNanoseconds = 0;
  let contextSwitches = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let schedstat: string;
    let status: string;
    try {
      schedstat = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8');
      status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    } catch {
      continue; // The thread ended since the directory was listed.
    }
    // proc(5): the first field is the time spent on the CPU, in nanoseconds.
    runNanoseconds += Number(schedstat.split(' ')[0]);
    contextSwitches += statusField(status, 'voluntary_ctxt_switches') + statusField(status, 'nonvoluntary_ctxt_switches');
  }
  const processStatus = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { cpuSeconds: runNanoseconds / 1e9, contextSwitches, rssMb: statusField(processStatus, 'VmRSS') / 1024, privateMb: statusField(processStatus, 'RssAnon') / 1024, atMs: performance.now() };
}

/** A number from a /proc status file (`Name:   value`, memory in kB); 0 when the kernel has no such field. */
function statusField(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
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
