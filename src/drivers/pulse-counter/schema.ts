import { z } from 'zod';

/** What a pulse counter reports. */
export const pulseFields = ['total', 'count', 'rate'] as const;

/** Options shared by the counters of one board (`boards[].device` with `type: pulse-counter`). */
export const pulseCounterDeviceShape = {
  intervalMs: z.number().int().min(100).default(60_000).describe('how often the counts are reported; count and rate are over this interval'),
};

/** Options of one counted value (`boards[].sensors[]`). */
export const pulseCounterSensorShape = {
  pin: z.number().int().min(2).describe('digital input the switch or loop detector pulls low (pull-up on)'),
  field: z.enum(pulseFields).default('count').describe('total: pulses since start; count: pulses in the last interval; rate: pulses per hour over the last interval'),
  scale: z.number().finite().positive().default(1).describe('value per pulse: 0.2 for a 0.2 mm tipping bucket'),
  debounceMs: z.number().int().min(0).default(10).describe('edges closer than this to the last counted one are contact bounce; the same for every sensor of one pin'),
  edge: z.enum(['falling', 'rising']).default('falling').describe('falling: a switch to ground with pull-up (rain gauge reed, traffic loop relay); the same for every sensor of one pin'),
};

export type PulseCounterDeviceOptions = z.infer<z.ZodObject<typeof pulseCounterDeviceShape>>;
export type PulseCounterSensorOptions = z.infer<z.ZodObject<typeof pulseCounterSensorShape>>;
