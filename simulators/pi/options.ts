import { z } from 'zod';

/**
 * `boards[].piSimulator`: a simulated Raspberry Pi (its files, I2C buses and header GPIO) for
 * boards of host or header devices, run without the hardware.
 */
export const piSimulatorShape = {
  seed: z.number().int().default(1),
  ds18b20: z
    .array(z.strictObject({ id: z.string().regex(/^28-[0-9a-f]{12}$/, 'a 1-Wire id such as 28-0316a2795cff'), site: z.enum(['river', 'enclosure']).default('enclosure') }))
    .default([])
    .describe('DS18B20 probes on the simulated 1-Wire bus'),
  bme280: z
    .array(
      z.strictObject({
        bus: z.number().int().min(0).max(31).default(1),
        address: z.union([z.literal(0x76), z.literal(0x77)]).default(0x76),
        chip: z.enum(['bme280', 'bmp280']).default('bme280').describe('bmp280: the cheaper twin without humidity'),
      }),
    )
    .default([])
    .describe('BME280 chips on the simulated I2C buses, measuring outdoor air'),
  model: z.enum(['pi3', 'pi4', 'pi5', 'zero-2w']).default('pi4').describe("which Pi: its GPIO controller's label and line count"),
  gpio: z
    .array(
      z.strictObject({
        line: z.number().int().min(0).max(27).describe('BCM GPIO number'),
        device: z.enum(['pir', 'door', 'button']).describe('pir: drives high on motion; door: reed contact to ground, open when the door opens; button: to ground, bouncing'),
        meanIntervalMs: z.number().int().min(10).optional().describe('mean time between activations'),
      }),
    )
    .default([])
    .describe('devices on the simulated header pins'),
};

/** The options as the config gives them, defaults filled in. */
export type PiSimulatorOptions = z.infer<z.ZodObject<typeof piSimulatorShape>>;
