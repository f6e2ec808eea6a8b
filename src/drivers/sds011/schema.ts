import { z } from 'zod';

/** The quantities an SDS011 frame carries. */
export const sds011Fields = ['pm2_5', 'pm10'] as const;

/** Options of the SDS011 (`boards[].device` with `type: sds011`): none, it streams in its factory mode. */
export const sds011DeviceShape = {} satisfies z.ZodRawShape;

/** Options of one SDS011 sensor (`boards[].sensors[]`): which quantity of the frame it reports. */
export const sds011SensorShape = {
  field: z.enum(sds011Fields).describe('pm2_5 or pm10, in µg/m³ (unit string: ug/m3)'),
};

/** The device's options as the driver receives them. */
export type Sds011DeviceOptions = z.infer<z.ZodObject<typeof sds011DeviceShape>>;
/** A sensor's options as the driver receives them. */
export type Sds011SensorOptions = z.infer<z.ZodObject<typeof sds011SensorShape>>;
