/**
 * The `w1_slave` file of a DS18B20 (1-Wire temperature sensor) as Linux's w1_therm driver
 * writes it (Documentation/w1/slaves/w1_therm.rst; drivers/w1/slaves/w1_therm.c,
 * w1_slave_show). Each read starts a conversion and prints two lines:
 *
 *   72 01 4b 46 7f ff 0e 10 57 : crc=57 YES      the 9 scratchpad bytes read, the CRC-8 the
 *   72 01 4b 46 7f ff 0e 10 57 t=23125           kernel computed, and whether it matched; then
 *                                                the last good bytes and the temperature in m°C
 *
 * Scratchpad layout and values from the Maxim DS18B20 data sheet (19-7487): figure 9 (byte 0
 * LSB, 1 MSB of a 16-bit two's complement temperature in 1/16 °C; 2 TH; 3 TL; 4 config; 5 FFh;
 * 6 reserved; 7 10h; 8 CRC), table 1 (+85 °C = 0550h is the power-on reset value; range
 * -55…+125 °C), "CRC generation" (polynomial X^8 + X^5 + X^4 + 1).
 *
 * Kernels since 5.9 retry a failed CRC themselves and then return an empty file; older ones
 * print `crc=.. NO`. Both are handled.
 */

/** Why a `w1_slave` content gives no temperature: each is counted under this name. */
export type W1SlaveProblem = 'no-answer' | 'crc-failure' | 'malformed' | 'bus-fault' | 'power-on-reset' | 'out-of-range';

export type W1SlaveOutcome =
  | { readonly ok: true; readonly milliCelsius: number; readonly scratchpad: readonly number[] }
  | { readonly ok: false; readonly problem: W1SlaveProblem; readonly detail: string };

/** 0550h: what the temperature register holds after power-on, before any conversion (table 1). */
export const POWER_ON_RESET_MILLI_CELSIUS = 85_000;
/** The data sheet's measuring range, m°C. */
export const MIN_MILLI_CELSIUS = -55_000;
export const MAX_MILLI_CELSIUS = 125_000;

/** Family codes whose scratchpad holds temperature as the DS18B20 does (DS1822, DS18B20, DS1825, DS28EA00). */
const B20_FAMILIES = new Set([0x22, 0x28, 0x3b, 0x42]);

const BYTES = '((?:[0-9a-f]{2} ){9})';
const CRC_LINE = new RegExp(`^${BYTES}: crc=([0-9a-f]{2}) (YES|NO)$`);
const VALUE_LINE = new RegExp(`^${BYTES}t=(-?\\d{1,7})$`);

/**
 * Decodes one read of `w1_slave`. `family` is the first byte of the sensor id (0x28 for
 * `28-0316a2795cff`); for DS18B20-like families the printed temperature is checked against the
 * scratchpad, so a corrupted digit is caught.
 */
export function decodeW1Slave(text: string, family = 0x28): W1SlaveOutcome {
  if (text.length === 0) {
    return { ok: false, problem: 'no-answer', detail: 'empty read: the sensor did not answer or failed its CRC on every kernel retry (wiring, pull-up, cable length)' };
  }
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  if (lines.length !== 2) return malformed(`expected 2 lines, got ${lines.length}`, text);
  const crcLine = CRC_LINE.exec(lines[0]!);
  const valueLine = VALUE_LINE.exec(lines[1]!);
  if (!crcLine || !valueLine) return malformed(crcLine ? 'second line is not "<9 bytes> t=<m°C>"' : 'first line is not "<9 bytes> : crc=<xx> YES|NO"', text);
  const read = hexBytes(crcLine[1]!);
  if (crcLine[3] === 'NO') return { ok: false, problem: 'crc-failure', detail: `kernel reports crc=${crcLine[2]} NO for ${crcLine[1]!.trim()}` };
  const computed = dallasCrc8(read.slice(0, 8));
  if (computed !== read[8] || computed !== parseInt(crcLine[2]!, 16)) {
    return malformed(`says crc YES but the bytes' CRC-8 is ${hex(computed)}`, text);
  }
  if (read.every((byte) => byte === 0)) {
    return { ok: false, problem: 'bus-fault', detail: 'all scratchpad bytes are 00 (their CRC passes): the data line is held low' };
  }
  // With a good CRC the kernel prints the same bytes again on the second line.
  if (valueLine[1] !== crcLine[1]) return malformed('the two lines carry different bytes', text);
  const milliCelsius = Number(valueLine[2]);
  // The kernel prints with %d: `t=-0` or `t=023125` is damage, even where its value would pass
  // (-0 equals 0, and would reach the wire as a negative zero).
  if (String(milliCelsius) !== valueLine[2]) return malformed(`t=${valueLine[2]} is not a number as the kernel prints one`, text);
  if (B20_FAMILIES.has(family) && milliCelsius !== milliCelsiusFromScratchpad(read)) {
    return malformed(`t=${milliCelsius} does not match the scratchpad (${milliCelsiusFromScratchpad(read)})`, text);
  }
  if (milliCelsius === POWER_ON_RESET_MILLI_CELSIUS) {
    return { ok: false, problem: 'power-on-reset', detail: 't=85000 is the power-on value: the sensor was reset (power dip, weak parasite power) and has not converted' };
  }
  if (milliCelsius < MIN_MILLI_CELSIUS || milliCelsius > MAX_MILLI_CELSIUS) {
    return { ok: false, problem: 'out-of-range', detail: `t=${milliCelsius} is outside the sensor's -55…+125 °C` };
  }
  return { ok: true, milliCelsius, scratchpad: read };
}

/** The kernel's conversion (w1_DS18B20_convert_temp): 16-bit two's complement × 1000 / 16, truncated toward zero. */
export function milliCelsiusFromScratchpad(scratchpad: readonly number[]): number {
  const raw = ((scratchpad[1]! << 8) | scratchpad[0]!) << 16 >> 16;
  return Math.trunc((raw * 1000) / 16);
}

/** Maxim/Dallas CRC-8 (X^8 + X^5 + X^4 + 1, LSB first, initial 0), over the bytes given. */
export function dallasCrc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const value of bytes) {
    let byte = value;
    for (let bit = 0; bit < 8; bit++) {
      const mix = (crc ^ byte) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      byte >>= 1;
    }
  }
  return crc;
}

/** What a DS18B20 sends for a temperature register value `raw` (1/16 °C), at 12-bit resolution. */
export function scratchpadFor(raw: number, options: { afterPowerOn?: boolean } = {}): number[] {
  const word = raw & 0xffff;
  // Byte 6 counts what remains of the 1/16 °C step (the DS18S20's COUNT_REMAIN); 0Ch before any conversion.
  const remain = options.afterPowerOn ? 0x0c : 0x10 - (word & 0x0f);
  const bytes = [word & 0xff, word >> 8, 0x4b, 0x46, 0x7f, 0xff, remain, 0x10];
  return [...bytes, dallasCrc8(bytes)];
}

/**
 * The file content for a read, as w1_slave_show prints it (the twin's side, and tests').
 * `retained` is what the second line shows after a failed CRC: the last good bytes.
 */
export function encodeW1Slave(read: readonly number[], retained: readonly number[] = read): string {
  const computed = dallasCrc8(read.slice(0, 8));
  const verdict = computed === read[8] ? 'YES' : 'NO';
  const shown = verdict === 'YES' ? read : retained;
  return `${bytesText(read)}: crc=${hex(computed)} ${verdict}\n${bytesText(shown)}t=${milliCelsiusFromScratchpad(read)}\n`;
}

function bytesText(bytes: readonly number[]): string {
  return bytes.map((byte) => `${hex(byte)} `).join('');
}

function hexBytes(text: string): number[] {
  return text.trim().split(' ').map((pair) => parseInt(pair, 16));
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function malformed(reason: string, text: string): W1SlaveOutcome {
  return { ok: false, problem: 'malformed', detail: `${reason}: ${JSON.stringify(text.slice(0, 100))}` };
}
