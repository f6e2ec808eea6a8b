import { z } from 'zod';

/** Options of an MH-Z19 (`boards[].device` with `type: mhz19`): how often it is asked, how long for. */
export const mhz19DeviceShape = {
  intervalMs: z.number().int().min(1000).default(5000).describe('how often the driver asks for the CO2 concentration; the sensor measures about once a second'),
  timeoutMs: z.number().int().min(10).default(1000).describe('an answer not complete by then is counted as a timeout; must be shorter than intervalMs'),
};

/** Options of the CO2 sensor (`boards[].sensors[]`): none beyond its name and unit, the module measures one thing. */
export const mhz19SensorShape = {} satisfies z.ZodRawShape;

/** The device's options as the driver receives them, defaults filled in. */
export type Mhz19DeviceOptions = z.infer<z.ZodObject<typeof mhz19DeviceShape>>;
/** A sensor's options as the driver receives them. */
export type Mhz19SensorOptions = z.infer<z.ZodObject<typeof mhz19SensorShape>>;

/** The answer to one request must be given up before the next request goes out. */
export function refineMhz19Device(options: Mhz19DeviceOptions, ctx: z.RefinementCtx): void {
  if (typeof options.intervalMs === 'number' && typeof options.timeoutMs === 'number' && options.timeoutMs >= options.intervalMs) {
    ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: `must be shorter than intervalMs (${options.intervalMs})` });
  }
}
