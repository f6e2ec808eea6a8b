import { z } from 'zod';

/** The quantities an SDS011 frame carries. */
export const sds011Fields = ['pm2_5', 'pm10'] as const;

/** Options of one SDS011 sensor (`sensors[].driver` with `type: sds011`). */
export const sds011OptionsShape = {
  field: z.enum(sds011Fields).describe('pm2_5 or pm10, in µg/m³ (unit string: ug/m3)'),
};

export type Sds011Options = z.infer<z.ZodObject<typeof sds011OptionsShape>>;
