import { z } from 'zod';

/** Analog temperature sensors johnny-five converts (its Thermometer controllers). */
export const thermometerControllers = ['LM35', 'TMP36'] as const;

/** Options shared by the thermometers of one board (`boards[].device` with `type: thermometer`). */
export const thermometerDeviceShape = {
  intervalMs: z.number().int().min(20).default(1000).describe('how often each thermometer reports a temperature'),
};

/** Options of one analog thermometer (`boards[].sensors[]`). */
export const thermometerSensorShape = {
  pin: z.string().regex(/^A\d{1,2}$/, 'an analog pin such as A0').describe('analog input the sensor output is wired to'),
  controller: z.enum(thermometerControllers).default('LM35').describe('LM35: 10 mV/°C from 0 V; TMP36: 10 mV/°C from 500 mV (reads below 0 °C)'),
};

export type ThermometerDeviceOptions = z.infer<z.ZodObject<typeof thermometerDeviceShape>>;
export type ThermometerSensorOptions = z.infer<z.ZodObject<typeof thermometerSensorShape>>;
