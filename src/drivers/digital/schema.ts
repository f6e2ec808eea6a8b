import { z } from 'zod';

/** A digital input board has nothing device-wide: each input has its own pin, wiring and debounce. */
export const digitalDeviceShape = {};

/** Options of one digital input (`boards[].sensors[]` of a board with `device: { type: digital }`). */
export const digitalSensorShape = {
  pin: z.number().int().min(2).describe("digital pin number (on the Pi's header: the BCM GPIO number)"),
  pullup: z.boolean().default(true).describe('enable the internal pull-up: a switch or PIR output pulls the pin low'),
  activeLow: z.boolean().default(true).describe('true: the input is "on" (pressed, motion, door open) when the pin reads low'),
  debounceMs: z.number().int().min(0).default(20).describe('a change counts once the pin has held its new level this long'),
};

export type DigitalDeviceOptions = z.infer<z.ZodObject<typeof digitalDeviceShape>>;
export type DigitalSensorOptions = z.infer<z.ZodObject<typeof digitalSensorShape>>;
