/**
 * What StandardFirmata 2.5 (firmata/arduino) knows of each AVR board it runs on, from the
 * board's block in Boards.h, and the pin capabilities it derives from that.
 *
 * Boards.h, `__AVR_ATmega328P__` (Uno; the Nano's variant has 8 analog inputs, so
 * TOTAL_PINS is 22 and A6, A7 are analog only):
 *   IS_PIN_DIGITAL(p)  (p) >= 2 && (p) <= 19      pins 0 and 1 are the serial port's RX, TX
 *   IS_PIN_ANALOG(p)   (p) >= 14 && (p) < 14 + TOTAL_ANALOG_PINS
 *   IS_PIN_PWM(p)      digitalPinHasPWM(p)        3, 5, 6, 9, 10, 11 (the core's pins_arduino.h)
 *   IS_PIN_I2C(p)      (p) == 18 || (p) == 19     A4 SDA, A5 SCL
 * Boards.h, `__AVR_ATmega2560__` (Mega): TOTAL_PINS 70,
 *   IS_PIN_DIGITAL(p)  (p) >= 2 && (p) < TOTAL_PINS
 *   IS_PIN_ANALOG(p)   (p) >= 54 && (p) < TOTAL_PINS
 *   IS_PIN_PWM(p)      digitalPinHasPWM(p)        2-13 and 44-46
 *   IS_PIN_I2C(p)      (p) == 20 || (p) == 21
 */
import { PIN_MODE } from './protocol.js';

/** One board's pins as Boards.h describes them. */
export interface FirmataBoardLayout {
  /** TOTAL_PINS. */
  readonly pins: number;
  /** IS_PIN_DIGITAL is true from this pin to `lastDigital`, both included. */
  readonly firstDigital: number;
  readonly lastDigital: number;
  /** IS_PIN_ANALOG: `analogCount` pins from `firstAnalog`; PIN_TO_ANALOG(p) is p - firstAnalog. */
  readonly firstAnalog: number;
  readonly analogCount: number;
  readonly pwm: readonly number[];
  readonly i2c: readonly number[];
}

export const FIRMATA_BOARD_LAYOUTS = {
  uno: { pins: 20, firstDigital: 2, lastDigital: 19, firstAnalog: 14, analogCount: 6, pwm: [3, 5, 6, 9, 10, 11], i2c: [18, 19] },
  nano: { pins: 22, firstDigital: 2, lastDigital: 19, firstAnalog: 14, analogCount: 8, pwm: [3, 5, 6, 9, 10, 11], i2c: [18, 19] },
  mega: { pins: 70, firstDigital: 2, lastDigital: 69, firstAnalog: 54, analogCount: 16, pwm: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 44, 45, 46], i2c: [20, 21] },
} as const satisfies Record<string, FirmataBoardLayout>;

export type FirmataBoardName = keyof typeof FIRMATA_BOARD_LAYOUTS;

export function isDigitalPin(layout: FirmataBoardLayout, pin: number): boolean {
  return pin >= layout.firstDigital && pin <= layout.lastDigital;
}

export function isAnalogPin(layout: FirmataBoardLayout, pin: number): boolean {
  return pin >= layout.firstAnalog && pin < layout.firstAnalog + layout.analogCount;
}

/**
 * The (mode, resolution) pairs StandardFirmata 2.5 writes for one pin in its answer to
 * CAPABILITY_QUERY, in the order its loop writes them (StandardFirmata.ino, sysexCallback,
 * `case CAPABILITY_QUERY`):
 *   IS_PIN_DIGITAL: INPUT 1, PULLUP 1, OUTPUT 1
 *   IS_PIN_ANALOG:  ANALOG 10 (10-bit ADC)
 *   IS_PIN_PWM:     PWM 8 (DEFAULT_PWM_RESOLUTION)
 *   IS_PIN_DIGITAL: SERVO 14 (every digital pin: the loop tests IS_PIN_DIGITAL, not
 *                   IS_PIN_SERVO, which MAX_SERVOS (12 on an Uno) would stop at pin 13)
 *   IS_PIN_I2C:     I2C 1
 * A pin that is none of these (RX, TX) lists nothing. StandardFirmata does not include
 * SerialFirmata (StandardFirmataPlus does), so no pin lists the serial mode.
 */
export function pinCapabilities(layout: FirmataBoardLayout, pin: number): [mode: number, resolution: number][] {
  const modes: [number, number][] = [];
  const digital = isDigitalPin(layout, pin);
  if (digital) modes.push([PIN_MODE.INPUT, 1], [PIN_MODE.PULLUP, 1], [PIN_MODE.OUTPUT, 1]);
  if (isAnalogPin(layout, pin)) modes.push([PIN_MODE.ANALOG, 10]);
  if (layout.pwm.includes(pin)) modes.push([PIN_MODE.PWM, 8]);
  if (digital) modes.push([PIN_MODE.SERVO, 14]);
  if (layout.i2c.includes(pin)) modes.push([PIN_MODE.I2C, 1]);
  return modes;
}

/** Whether setPinModeCallback accepts `mode` on `pin`: exactly the modes the pin lists. */
export function supportsMode(layout: FirmataBoardLayout, pin: number, mode: number): boolean {
  return pinCapabilities(layout, pin).some(([supported]) => supported === mode);
}

/** The body of CAPABILITY_RESPONSE: each pin's pairs, then 127 to close the pin. */
export function capabilityResponseBody(layout: FirmataBoardLayout): number[] {
  const body: number[] = [];
  for (let pin = 0; pin < layout.pins; pin++) body.push(...pinCapabilities(layout, pin).flat(), 0x7f);
  return body;
}

/** The body of ANALOG_MAPPING_RESPONSE: each pin's analog channel, 127 for none. */
export function analogMappingBody(layout: FirmataBoardLayout): number[] {
  return Array.from({ length: layout.pins }, (_, pin) => (isAnalogPin(layout, pin) ? pin - layout.firstAnalog : 0x7f));
}

/**
 * The mode of each pin after systemResetCallback: analog pins ANALOG, other digital pins
 * OUTPUT; RX and TX are never configured and keep pinConfig's initial 0 (INPUT).
 */
export function modesAfterReset(layout: FirmataBoardLayout): number[] {
  return Array.from({ length: layout.pins }, (_, pin) => (isAnalogPin(layout, pin) ? PIN_MODE.ANALOG : isDigitalPin(layout, pin) ? PIN_MODE.OUTPUT : PIN_MODE.INPUT));
}
