import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { firmwareHexPath } from '../../simulators/firmware/sketches.js';
import { findBinary } from './binaries.js';
import { describeNeeding } from './needs.js';

/** Where Debian's arduino-core-avr puts the Arduino core the Makefile builds against. */
const ARDUINO_CORE = '/usr/share/arduino/hardware/arduino/avr/cores/arduino/Arduino.h';
const PACKAGES = 'apt-get install gcc-avr avr-libc arduino-core-avr';

/** Why the sketches cannot be built here, or undefined when they can. */
export function avrToolchainMissing(): string | undefined {
  if (!findBinary('avr-gcc') || !findBinary('avr-objcopy')) return `avr-gcc is not installed (${PACKAGES})`;
  if (!existsSync(ARDUINO_CORE)) return `the Arduino AVR core is not installed (${PACKAGES})`;
  if (!findBinary('make')) return 'make is not installed (apt-get install make)';
  return undefined;
}

/** Builds every sketch's .hex, incrementally; prints the compiler's words only when it fails. */
export function buildFirmware(): void {
  try {
    execFileSync('make', ['-C', 'firmware', '--no-print-directory'], { stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build:firmware failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`);
  }
}

/** A describe block that runs a sketch's .hex: see describeNeeding. */
export function describeWithFirmware(sketch: string, board: string, title: string, body: () => void): void {
  const hex = relative(process.cwd(), firmwareHexPath(sketch, board));
  const missing = avrToolchainMissing();
  describeNeeding(existsSync(hex), `${hex}`, missing ? `${missing}, so ${hex} is not built` : `${hex} is not built (npm run build:firmware)`, title, body);
}
