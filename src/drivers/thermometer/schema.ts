import { z } from 'zod';

/** Analog temperature sensors johnny-five converts (its Thermometer controllers). */
export const thermometerControllers = ['LM35', 'TMP36'] as const;

/** Options of one analog thermometer on a firmata board (`sensors[].driver` with `type: thermometer`). */
export const thermometerOptionsShape = {
  pin: z.string().regex(/^A\d{1,2}$/, 'an analog pin such as A0').describe('analog input the sensor output is wired to'),
  controller: z.enum(thermometerControllers).default('LM35').describe('LM35: 10 mV/°C from 0 V; TMP36: 10 mV/°C from 500 mV (reads below 0 °C)'),
  intervalMs: z.number().int().min(20).default(1000).describe('how often a temperature is reported'),
};

export type ThermometerOptions = z.infer<z.ZodObject<typeof thermometerOptionsShape>>;
