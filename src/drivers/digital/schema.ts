import { z } from 'zod';

/** Options of one digital input on a firmata board (`sensors[].driver` with `type: digital`). */
export const digitalOptionsShape = {
  pin: z.number().int().min(2).describe('digital pin number'),
  pullup: z.boolean().default(true).describe('enable the internal pull-up: a switch or PIR output pulls the pin low'),
  activeLow: z.boolean().default(true).describe('true: the input is "on" (pressed, motion, door open) when the pin reads low'),
  debounceMs: z.number().int().min(0).default(20).describe('a change counts once the pin has held its new level this long'),
};

export type DigitalOptions = z.infer<z.ZodObject<typeof digitalOptionsShape>>;
