/**
 * The Uno's bootloader, built from the optiboot source Debian ships in `arduino-core-avr`.
 *
 * Debian's own `bootloaders/optiboot/optiboot_atmega328.hex` cannot be used as is: rebuilt
 * with Debian's newer avr-gcc, its code is 530 bytes, past the 512-byte boot section the Uno's
 * fuses reserve (0x7E00-0x7FFF): 20 bytes land at 0x8000, beyond the ATmega328P's flash, and
 * the version word at 0x7FFE overwrites code. Arduino's factory image (avr-gcc 4.3) fits.
 * The extra flags below only stop optimisations that grow code (loop and caller-save
 * transformations, jump tables), which brings the same source back to 500 bytes. The flags
 * of the Makefile's `atmega328` target are kept: 115200 baud, three LED flashes at start.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary } from '../find-binary.js';

/** Where Debian's arduino-core-avr puts the Arduino AVR core and its bootloaders. */
export const DEBIAN_ARDUINO_AVR = '/usr/share/arduino/hardware/arduino/avr';
const OPTIBOOT_SOURCE = join(DEBIAN_ARDUINO_AVR, 'bootloaders/optiboot/optiboot.c');
const BOOT_SECTION_BYTES = 512;

const run = promisify(execFile);

/** Whether avr-gcc (gcc-avr) and the optiboot source (arduino-core-avr) are installed. */
export function canBuildOptiboot(): boolean {
  return findBinary('avr-gcc') !== undefined && findBinary('avr-objcopy') !== undefined && findBinary('avr-size') !== undefined && existsSync(OPTIBOOT_SOURCE);
}

/** Compiles optiboot for a 16 MHz ATmega328P at 0x7E00 and returns its Intel HEX. */
export async function buildUnoOptiboot(): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-optiboot-'));
  try {
    const elf = join(directory, 'optiboot.elf');
    const hex = join(directory, 'optiboot.hex');
    await run('avr-gcc', [
      ...['-mmcu=atmega328p', '-DF_CPU=16000000L', '-DBAUD_RATE=115200', '-DLED_START_FLASHES=3'],
      ...['-Os', '-fno-inline-small-functions', '-fno-split-wide-types', '-mrelax', '-ffunction-sections'],
      ...['-fno-tree-loop-optimize', '-fno-move-loop-invariants', '-fno-ivopts', '-fno-caller-saves', '-fno-jump-tables', '-fno-tree-scev-cprop'],
      ...['-Wl,--section-start=.text=0x7e00', '-Wl,--section-start=.version=0x7ffe', '-Wl,--relax', '-Wl,--gc-sections', '-nostartfiles', '-nostdlib'],
      ...['-o', elf, OPTIBOOT_SOURCE],
    ]);
    const { stdout } = await run('avr-size', ['-A', elf]);
    const text = Number(/^\.text\s+(\d+)/m.exec(stdout)?.[1]);
    if (!(text <= BOOT_SECTION_BYTES - 2)) throw new Error(`optiboot compiled to ${text} bytes: more than the ${BOOT_SECTION_BYTES - 2} bytes before its version word`);
    await run('avr-objcopy', ['-j', '.text', '-j', '.data', '-j', '.version', '--set-section-flags', '.version=alloc,load', '-O', 'ihex', elf, hex]);
    return readFileSync(hex, 'utf8');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

