import { z } from 'zod';

/** Options of one analog input on a firmata board (`sensors[].driver` with `type: analog`). */
export const analogOptionsShape = {
  pin: z.string().regex(/^A\d{1,2}$/, 'an analog pin such as A0').describe('analog input'),
  scale: z.number().finite().default(1).describe('value = raw × scale + offset; raw is the 10-bit ADC count, 0-1023 (5/1023 gives volts on a 5 V board)'),
  offset: z.number().finite().default(0),
  intervalMs: z.number().int().min(20).default(1000).describe('how often the value is reported'),
};

export type AnalogOptions = z.infer<z.ZodObject<typeof analogOptionsShape>>;
