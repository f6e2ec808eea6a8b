import { z } from 'zod';

/** Options shared by the analog inputs of one board (`boards[].device` with `type: analog`). */
export const analogDeviceShape = {
  intervalMs: z.number().int().min(20).default(1000).describe('how often each input reports its value'),
};

/** Options of one analog input (`boards[].sensors[]`). */
export const analogSensorShape = {
  pin: z.string().regex(/^A\d{1,2}$/, 'an analog pin such as A0').describe('analog input'),
  scale: z.number().finite().default(1).describe('value = raw × scale + offset; raw is the 10-bit ADC count, 0-1023 (5/1023 gives volts on a 5 V board)'),
  offset: z.number().finite().default(0),
};

export type AnalogDeviceOptions = z.infer<z.ZodObject<typeof analogDeviceShape>>;
export type AnalogSensorOptions = z.infer<z.ZodObject<typeof analogSensorShape>>;
