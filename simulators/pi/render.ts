/**
 * The text of each simulated kernel file, formatted as the kernel formats it (the same sources
 * as the parsers in src/drivers/gateway-health/decode.ts), and the values a reader should get back.
 */
import type { GatewayState } from './models.js';

/** Values as they appear in the files after rounding: what a correct driver reports. */
export interface RenderedHealth {
  readonly cpuCelsius: number;
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  readonly memoryTotalBytes: number;
  readonly memoryAvailableBytes: number;
  readonly uptimeSeconds: number;
  readonly diskTotalBytes: number;
  readonly diskFreeBytes: number;
  /** The firmware's throttling word (bits as in `vcgencmd get_throttled`). */
  readonly throttledWord: number;
  /** What the rpi_volt hwmon alarm shows. */
  readonly underVoltageAlarm: boolean;
}

/** thermal_zone0/temp: millidegrees as one integer. */
export function thermalText(state: GatewayState): string {
  return `${Math.round(state.cpuCelsius * 1000)}\n`;
}

/** /proc/loadavg: three averages to two decimals, runnable/total tasks, last pid. */
export function loadAverageText(state: GatewayState): string {
  return `${state.load1.toFixed(2)} ${state.load5.toFixed(2)} ${state.load15.toFixed(2)} ${state.runnable}/${state.processes} ${state.lastPid}\n`;
}

/** /proc/uptime: seconds up and seconds idle summed over cores. */
export function uptimeText(state: GatewayState): string {
  return `${state.uptimeSeconds.toFixed(2)} ${state.idleSeconds.toFixed(2)}\n`;
}

/** /proc/meminfo as a 64-bit Raspberry Pi OS kernel prints it (the first lines, then the rest abridged). */
export function memoryInfoText(state: GatewayState): string {
  const cached = Math.round((state.memoryAvailableKiB - state.memoryFreeKiB) * 0.8);
  const rows: [string, number, boolean][] = [
    ['MemTotal', state.memoryTotalKiB, true],
    ['MemFree', state.memoryFreeKiB, true],
    ['MemAvailable', state.memoryAvailableKiB, true],
    ['Buffers', 61_432, true],
    ['Cached', cached, true],
    ['SwapCached', 0, true],
    ['Active', 512_904, true],
    ['Inactive', 318_772, true],
    ['Active(anon)', 201_336, true],
    ['Inactive(anon)', 3_120, true],
    ['SwapTotal', 102_396, true],
    ['SwapFree', 102_396, true],
    ['Dirty', 88, true],
    ['Shmem', 9_876, true],
    ['CmaTotal', 524_288, true],
    ['CmaFree', 507_904, true],
    ['HugePages_Total', 0, false],
    ['Hugepagesize', 2_048, true],
  ];
  return rows.map(([name, value, kib]) => `${`${name}:`.padEnd(16)}${String(value).padStart(8)}${kib ? ' kB' : ''}\n`).join('');
}

/** get_throttled: the word in hex without 0x, as `%x\n`. */
export function throttledText(word: number): string {
  return `${word.toString(16)}\n`;
}

/** A hwmon alarm: 0 or 1. */
export function alarmText(on: boolean): string {
  return on ? '1\n' : '0\n';
}

/** What the files above say, read back as numbers. */
export function renderedHealth(state: GatewayState, throttledWord: number, underVoltageAlarm: boolean): RenderedHealth {
  return {
    cpuCelsius: Math.round(state.cpuCelsius * 1000) / 1000,
    load1: Number(state.load1.toFixed(2)),
    load5: Number(state.load5.toFixed(2)),
    load15: Number(state.load15.toFixed(2)),
    memoryTotalBytes: state.memoryTotalKiB * 1024,
    memoryAvailableBytes: state.memoryAvailableKiB * 1024,
    uptimeSeconds: Number(state.uptimeSeconds.toFixed(2)),
    diskTotalBytes: state.diskTotalBytes,
    diskFreeBytes: state.diskFreeBytes,
    throttledWord,
    underVoltageAlarm,
  };
}
