import { z } from 'zod';

/** What the gateway reports about itself; each is one sensor with its SenML unit (see README.md). */
export const gatewayHealthFields = [
  'cpu_temperature',
  'load1',
  'load5',
  'load15',
  'memory_available',
  'memory_used_ratio',
  'disk_free',
  'uptime',
  'under_voltage',
  'under_voltage_since_boot',
  'throttled',
] as const;

export type GatewayHealthField = (typeof gatewayHealthFields)[number];

/** Options of the gateway's health as one device (`boards[].device` with `type: gateway-health`). */
export const gatewayHealthDeviceShape = {
  intervalMs: z.number().int().min(1000).max(86_400_000).default(60_000).describe('how often every value of the device is read, in ms'),
};

/** Options of one health value (`boards[].sensors[]`). */
export const gatewayHealthSensorShape = {
  field: z
    .enum(gatewayHealthFields)
    .describe('cpu_temperature (Cel), load1/load5/load15, memory_available (B), memory_used_ratio (%), disk_free (B), uptime (s), under_voltage, under_voltage_since_boot, throttled (booleans)'),
  path: z.string().regex(/^\//, 'an absolute path, e.g. /var/lib/fieldnode').optional().describe('disk_free only: a path on the filesystem to measure (default /)'),
};

export type GatewayHealthDeviceOptions = z.infer<z.ZodObject<typeof gatewayHealthDeviceShape>>;
export type GatewayHealthSensorOptions = z.infer<z.ZodObject<typeof gatewayHealthSensorShape>>;

/** `path` means something for disk_free only; elsewhere it would be silently ignored. */
export function refineGatewayHealthSensor(options: GatewayHealthSensorOptions, ctx: z.RefinementCtx): void {
  if (options.path !== undefined && options.field !== 'disk_free') {
    ctx.addIssue({ code: 'custom', path: ['path'], message: `path applies to disk_free only, not ${options.field}` });
  }
}
