import { z } from 'zod';
import { fiveMetreLimits } from './decode.js';

/** What a sensor on a MaxSonar reports: the raw distance to the water, or the water level it gives. */
export const maxbotixFields = ['range', 'level'] as const;

/** Options of the MaxSonar (`boards[].device` with `type: maxbotix`): its model's limits and where it is mounted. */
export const maxbotixDeviceShape = {
  mountHeightMm: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('height of the sensor face above the level datum (e.g. the river bed or gauge zero), in mm; level = (mountHeightMm - range) / 1000; required when a sensor reports level'),
  minRangeMm: z.number().int().min(0).max(9999).default(fiveMetreLimits.minRangeMm).describe('shortest range the model reports (300 for 5 m models, 500 for 10 m models)'),
  maxRangeMm: z.number().int().min(1).max(9999).default(fiveMetreLimits.maxRangeMm).describe('the "no target" value of the model (5000 for 5 m models, 9999 for 10 m models); readings are kept below it'),
};

/** Options of one MaxSonar sensor (`boards[].sensors[]`): which of the two quantities it reports. */
export const maxbotixSensorShape = {
  field: z.enum(maxbotixFields).describe('range: distance from the sensor face in mm (unit: mm); level: water level above the datum in m (unit: m)'),
};

/** The MaxSonar's options as the driver receives them, defaults filled in. */
export type MaxbotixDeviceOptions = z.infer<z.ZodObject<typeof maxbotixDeviceShape>>;
/** A MaxSonar sensor's options as the driver receives them. */
export type MaxbotixSensorOptions = z.infer<z.ZodObject<typeof maxbotixSensorShape>>;

/** The range limits must leave room. Runs even when other options are invalid, so it trusts no types. */
export function refineMaxbotixDevice(options: MaxbotixDeviceOptions, ctx: z.RefinementCtx): void {
  if (typeof options.minRangeMm === 'number' && typeof options.maxRangeMm === 'number' && options.minRangeMm >= options.maxRangeMm) {
    ctx.addIssue({ code: 'custom', path: ['minRangeMm'], message: `must be below maxRangeMm (${options.maxRangeMm})` });
  }
}
