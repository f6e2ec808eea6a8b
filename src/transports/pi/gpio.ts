/**
 * The Pi's GPIO controller as the header's digital inputs need it: a chip of lines, each
 * requested as an input with a bias and read as 0 or 1. The kernel's GPIO character device
 * (through libgpiod) and the simulated Pi implement it; it works the same on Pi 3, 4 and 5,
 * where the older sysfs interface and pigpio do not.
 */
import { DeviceError } from '../../core/errors.js';

/** Why the GPIO could not be used, in the terms a fix depends on. */
export type GpioProblem = 'no-library' | 'no-chip' | 'permission' | 'busy' | 'io';

export class GpioError extends DeviceError<GpioProblem> {
  constructor(problem: GpioProblem, message: string, options?: { cause?: unknown }) {
    super(problem, message, 'GPIO', options);
  }
}

/** The internal resistor on an input: pull-up for a switch to ground, none for a driven output (a PIR). */
export type GpioBias = 'pull-up' | 'pull-down' | 'none';

/** One line requested as an input. */
export interface GpioInput {
  read(): 0 | 1;
  release(): void;
}

/** One GPIO controller (gpiochip). */
export interface GpioChip {
  /** The kernel's label for the controller (`pinctrl-bcm2711` on a Pi 4). */
  readonly label: string;
  /** Where it was opened (`/dev/gpiochip0`), for logs. */
  readonly path: string;
  readonly lineCount: number;
  /** Requests a line as an input; `consumer` shows in `gpioinfo` as the line's owner. */
  requestInput(offset: number, bias: GpioBias, consumer: string): GpioInput;
  close(): void;
}

/** Finds and opens the header's GPIO controller. */
export interface GpioChips {
  open(selector: string): GpioChip;
}

/**
 * The labels of the controllers whose lines are the 40-pin header's GPIO 0–27, by SoC: the
 * BCM2835 family (Pi 3, Zero 2 W), the BCM2711 (Pi 4) and the RP1 (Pi 5). `auto` picks the
 * first chip with one of these labels, since the Pi 5's header was gpiochip4 on early kernels
 * and is gpiochip0 since.
 */
export const HEADER_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;

/** GPIO numbers (BCM numbering) that reach the 40-pin header. */
export const HEADER_GPIO_COUNT = 28;
