import type { DriverDefinition } from '../driver.js';
import { streamingFrameDriver } from '../frame-driver.js';
import { decodePms5003, pms5003Layout } from './decode.js';
import { pms5003OptionsShape } from './schema.js';

/** The `pms5003` driver: particulate matter and particle counts from a Plantower PMS5003. See README.md beside this file. */
export const pms5003Driver: DriverDefinition<typeof pms5003OptionsShape> = {
  type: 'pms5003',
  summary: 'PM1.0, PM2.5, PM10 and particle counts from a Plantower PMS5003 (binary frames, 9600 baud)',
  optionsShape: pms5003OptionsShape,
  create: (sensors, context) =>
    streamingFrameDriver(
      pms5003Layout,
      decodePms5003,
      sensors.map((sensor) => ({ name: sensor.name, unit: sensor.unit, pick: (decoded) => decoded[sensor.options.field] })),
      context,
    ),
};
