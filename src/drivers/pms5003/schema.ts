import { z } from 'zod';
import { pms5003Fields } from './decode.js';

/** Options of the PMS5003 (`boards[].device` with `type: pms5003`): none, it streams in its active mode. */
export const pms5003DeviceShape = {} satisfies z.ZodRawShape;

/** Options of one PMS5003 sensor (`boards[].sensors[]`): which quantity of the frame it reports. */
export const pms5003SensorShape = {
  field: z
    .enum(pms5003Fields)
    .describe(
      'pm1_0, pm2_5, pm10 (atmospheric environment) or pm1_0_cf1, pm2_5_cf1, pm10_cf1 (CF=1), in µg/m³ (unit string: ug/m3); ' +
        'particles_0_3um … particles_10um: particles beyond that diameter per 0.1 L of air (unit: count)',
    ),
};

/** The device's options as the driver receives them. */
export type Pms5003DeviceOptions = z.infer<z.ZodObject<typeof pms5003DeviceShape>>;
/** A PMS5003 sensor's options as the driver receives them. */
export type Pms5003SensorOptions = z.infer<z.ZodObject<typeof pms5003SensorShape>>;
