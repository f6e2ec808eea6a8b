import { z } from 'zod';

/** Options of an MH-Z19 CO2 sensor (`sensors[].driver` with `type: mhz19`). */
export const mhz19OptionsShape = {
  intervalMs: z.number().int().min(1000).default(5000).describe('how often the driver asks for the CO2 concentration; the sensor measures about once a second'),
  timeoutMs: z.number().int().min(10).default(1000).describe('an answer not complete by then is counted as a timeout; must be shorter than intervalMs'),
};

export type Mhz19Options = z.infer<z.ZodObject<typeof mhz19OptionsShape>>;

/** The answer to one request must be given up before the next request goes out. */
export function refineMhz19Options(options: Mhz19Options, ctx: z.RefinementCtx): void {
  if (typeof options.intervalMs === 'number' && typeof options.timeoutMs === 'number' && options.timeoutMs >= options.intervalMs) {
    ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: `must be shorter than intervalMs (${options.intervalMs})` });
  }
}
