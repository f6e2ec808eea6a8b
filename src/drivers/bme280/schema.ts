import { z } from 'zod';

/** The quantities a BME280 measures; a BMP280 has no humidity. */
export const bme280Fields = ['temperature', 'pressure', 'humidity'] as const;

const oversampling = z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8), z.literal(16)]);

/** Options of one chip (`boards[].device` with `type: bme280`): every field comes from one measurement of it. */
export const bme280DeviceShape = {
  bus: z.number().int().min(0).max(31).default(1).describe('I2C bus number: 1 is the header (pins 3 and 5), /dev/i2c-1'),
  address: z.union([z.literal(0x76), z.literal(0x77)]).default(0x76).describe('0x76 (118) with SDO to ground, 0x77 (119) with SDO to 3.3 V'),
  intervalMs: z.number().int().min(100).max(86_400_000).default(10_000).describe('how often the chip measures, in ms'),
  oversampling: oversampling.default(1).describe('samples averaged per measurement (1, 2, 4, 8, 16): less noise, more time and power'),
};

/** Options of one quantity of the chip (`boards[].sensors[]`). */
export const bme280SensorShape = {
  field: z.enum(bme280Fields).describe('temperature (Cel), pressure (Pa) or humidity (%RH)'),
};

export type Bme280DeviceOptions = z.infer<z.ZodObject<typeof bme280DeviceShape>>;
export type Bme280SensorOptions = z.infer<z.ZodObject<typeof bme280SensorShape>>;
