/**
 * The Arduino boards the emulator runs, as their firmware sees them: the MCU, its clock, its
 * memories and which port bit each Arduino pin number is. Pin numbers follow the core's
 * variants (variants/standard and variants/eightanaloginputs, pins_arduino.h): 0–7 are
 * PD0–PD7, 8–13 PB0–PB5, 14–19 (A0–A5) PC0–PC5; the Nano's A6 and A7 are ADC channels 6 and
 * 7 with no port. Memory sizes: ATmega328P datasheet, section 8 (32 KiB flash, 2 KiB SRAM).
 */

/** A port of the ATmega328P, by its letter. */
export type PortName = 'B' | 'C' | 'D';

/** What the emulator knows of a board. */
export interface EmulatedBoard {
  /** The board profile's id (boards/<id>/board.yaml), as the build names the .hex. */
  readonly id: string;
  readonly mcu: 'atmega328p';
  /** F_CPU of boards.txt. */
  readonly frequencyHz: number;
  readonly flashBytes: number;
  readonly sramBytes: number;
  /** ADC channels wired to analog pins (A0…). */
  readonly analogInputs: number;
}

const atmega328pBoard = (id: string, analogInputs: number): EmulatedBoard => ({
  id,
  mcu: 'atmega328p',
  frequencyHz: 16_000_000,
  flashBytes: 32 * 1024,
  sramBytes: 2 * 1024,
  analogInputs,
});

/** The boards the emulator runs; the Mega 2560's firmware builds, but its MCU is not emulated. */
export const emulatedBoards = {
  'arduino-uno': atmega328pBoard('arduino-uno', 6),
  'arduino-nano': atmega328pBoard('arduino-nano', 8),
} as const satisfies Record<string, EmulatedBoard>;

export type EmulatedBoardId = keyof typeof emulatedBoards;

/** The port bit behind a digital pin number of a 328P board, or undefined for A6/A7 and beyond. */
export function portBitOf(pin: number): { port: PortName; bit: number } | undefined {
  if (!Number.isInteger(pin) || pin < 0) return undefined;
  if (pin <= 7) return { port: 'D', bit: pin };
  if (pin <= 13) return { port: 'B', bit: pin - 8 };
  if (pin <= 19) return { port: 'C', bit: pin - 14 };
  return undefined;
}
