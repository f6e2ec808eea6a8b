import { z } from 'zod';

/** How the kernel names a 1-Wire temperature sensor: family code, dash, 48-bit serial in hex. */
export const W1_SENSOR_ID = /^(10|22|28|3b|42)-[0-9a-f]{12}$/;

/** Options of the Pi's 1-Wire bus as one device (`boards[].device` with `type: ds18b20`). */
export const ds18b20DeviceShape = {
  intervalMs: z
    .number()
    .int()
    // A 12-bit conversion takes up to 750 ms, and the kernel holds the bus for it.
    .min(1000)
    .max(86_400_000)
    .default(10_000)
    .describe('how often the sensors are read, in ms; they are read one after another, each read blocking the 1-Wire bus for about 750 ms'),
};

/** Options of one DS18B20 on the bus (`boards[].sensors[]`). */
export const ds18b20SensorShape = {
  sensorId: z
    .string()
    .regex(W1_SENSOR_ID, 'a 1-Wire id as listed in /sys/bus/w1/devices, e.g. 28-0316a2795cff')
    .describe("the sensor's directory name under /sys/bus/w1/devices (family 28 for a DS18B20)"),
};

export type Ds18b20DeviceOptions = z.infer<z.ZodObject<typeof ds18b20DeviceShape>>;
export type Ds18b20SensorOptions = z.infer<z.ZodObject<typeof ds18b20SensorShape>>;
