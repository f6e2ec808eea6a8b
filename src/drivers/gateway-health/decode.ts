/**
 * The kernel files that tell how a Raspberry Pi gateway is doing. Formats, by source:
 * - /proc/loadavg, /proc/meminfo, /proc/uptime: proc(5) (`0.52 0.58 0.59 1/389 12345`;
 *   `MemAvailable:  2871344 kB`, in KiB, since Linux 3.14; `12345.67 45678.90`);
 * - /sys/class/thermal/thermal_zone0/temp: Documentation/ABI/testing/sysfs-class-thermal
 *   (millidegrees Celsius, one integer);
 * - get_throttled under the firmware device: drivers/firmware/raspberrypi.c prints the
 *   firmware's throttling word as `%x\n`, bits as in Raspberry Pi's documentation of
 *   `vcgencmd get_throttled` (0 under-voltage, 1 ARM frequency capped, 2 throttled, 3 soft
 *   temperature limit; 16-19 the same "has occurred since boot");
 * - in0_lcrit_alarm of the `rpi_volt` hwmon device: Documentation/hwmon/raspberrypi-hwmon.rst
 *   (`0` or `1`, under-voltage now).
 * Each parser is pure, takes the file's whole text and never throws.
 */

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** The load averages and process counts of /proc/loadavg. */
export interface LoadAverage {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
}

/** The two /proc/meminfo lines that say how much memory a new program could still get. */
export interface MemoryInfo {
  readonly totalBytes: number;
  readonly availableBytes: number;
}

/** The firmware's throttling word, split into what a technician acts on. */
export interface ThrottleFlags {
  readonly underVoltage: boolean;
  readonly frequencyCapped: boolean;
  readonly throttled: boolean;
  readonly softTemperatureLimit: boolean;
  readonly underVoltageSinceBoot: boolean;
  readonly throttledSinceBoot: boolean;
}

const LOADAVG = /^(\d{1,6}\.\d{2}) (\d{1,6}\.\d{2}) (\d{1,6}\.\d{2}) \d{1,9}\/\d{1,9} \d{1,10}$/;
const UPTIME = /^(\d{1,12}\.\d{2}) \d{1,14}\.\d{2}$/;
const MILLI_CELSIUS = /^-?\d{1,7}$/;
const MEMINFO_LINE = /^([A-Za-z0-9_()]+):\s+(\d{1,15})(?: kB)?$/;
const HEX_WORD = /^[0-9a-f]{1,8}$/;

/** Thermal zones read below absolute zero or above 200 °C only when the file is not what we think. */
const MIN_CPU_MILLI_CELSIUS = -273_000;
const MAX_CPU_MILLI_CELSIUS = 200_000;

/** CPU temperature in °C from thermal_zone0/temp. */
export function parseThermalZone(text: string): Parsed<number> {
  const line = singleLine(text);
  if (line === undefined || !MILLI_CELSIUS.test(line)) return fail('not one integer of millidegrees', text);
  const milli = Number(line);
  if (milli < MIN_CPU_MILLI_CELSIUS || milli > MAX_CPU_MILLI_CELSIUS) return fail(`${milli} m°C is not a CPU temperature`, text);
  return { ok: true, value: milli / 1000 };
}

/** The 1, 5 and 15 minute load averages. */
export function parseLoadAverage(text: string): Parsed<LoadAverage> {
  const line = singleLine(text);
  const match = line === undefined ? null : LOADAVG.exec(line);
  if (!match) return fail('not "<1m> <5m> <15m> <running>/<total> <last pid>"', text);
  return { ok: true, value: { load1: Number(match[1]), load5: Number(match[2]), load15: Number(match[3]) } };
}

/** MemTotal and MemAvailable, in bytes (the file counts KiB and calls them kB). */
export function parseMemoryInfo(text: string): Parsed<MemoryInfo> {
  const fields = new Map<string, number>();
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  // Kernels add lines over the years; only the two we need must be sound.
  for (const line of lines) {
    const match = MEMINFO_LINE.exec(line);
    if (match) fields.set(match[1]!, Number(match[2]));
  }
  const total = fields.get('MemTotal');
  const available = fields.get('MemAvailable');
  if (total === undefined || total === 0) return fail('no MemTotal', text);
  if (available === undefined) return fail('no MemAvailable (the kernel is older than 3.14)', text);
  if (available > total) return fail(`MemAvailable ${available} kB exceeds MemTotal ${total} kB`, text);
  return { ok: true, value: { totalBytes: total * 1024, availableBytes: available * 1024 } };
}

/** Share of memory in use, in %, to 0.1 %: what is not available to a new program. */
export function memoryUsedPercent(memory: MemoryInfo): number {
  return Math.round((1000 * (memory.totalBytes - memory.availableBytes)) / memory.totalBytes) / 10;
}

/** Seconds since boot. */
export function parseUptime(text: string): Parsed<number> {
  const line = singleLine(text);
  const match = line === undefined ? null : UPTIME.exec(line);
  if (!match) return fail('not "<seconds up> <seconds idle>"', text);
  return { ok: true, value: Number(match[1]) };
}

/** The firmware's throttling word, from get_throttled (hex without 0x). */
export function parseThrottled(text: string): Parsed<ThrottleFlags> {
  const line = singleLine(text);
  if (line === undefined || !HEX_WORD.test(line)) return fail('not one hexadecimal word', text);
  return { ok: true, value: throttleFlags(parseInt(line, 16)) };
}

/** Splits the throttling word into its bits. */
export function throttleFlags(word: number): ThrottleFlags {
  const bit = (index: number) => ((word >>> index) & 1) === 1;
  return {
    underVoltage: bit(0),
    frequencyCapped: bit(1),
    throttled: bit(2),
    softTemperatureLimit: bit(3),
    underVoltageSinceBoot: bit(16),
    throttledSinceBoot: bit(18),
  };
}

/** Whether the CPU runs below its configured clock now: capped, throttled or at its soft temperature limit. */
export function isSlowedDown(flags: ThrottleFlags): boolean {
  return flags.frequencyCapped || flags.throttled || flags.softTemperatureLimit;
}

/** A hwmon alarm file: under-voltage now or not. */
export function parseAlarm(text: string): Parsed<boolean> {
  const line = singleLine(text);
  if (line !== '0' && line !== '1') return fail('not 0 or 1', text);
  return { ok: true, value: line === '1' };
}

/** The text of a one-line file without its newline, or undefined when it has more lines. */
function singleLine(text: string): string | undefined {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body.includes('\n') ? undefined : body;
}

function fail<T>(reason: string, text: string): Parsed<T> {
  return { ok: false, reason: `${reason}: ${JSON.stringify(text.slice(0, 80))}` };
}
