import type { DriverDefinition } from '../driver.js';
import { streamingFrameDriver } from '../frame-driver.js';
import { decodeSds011, sds011Layout } from './decode.js';
import { sds011OptionsShape } from './schema.js';

/** The `sds011` driver: particulate matter from a Nova SDS011. See README.md beside this file. */
export const sds011Driver: DriverDefinition<typeof sds011OptionsShape> = {
  type: 'sds011',
  summary: 'PM2.5 and PM10 from a Nova SDS011 laser dust sensor (binary frames, 9600 baud)',
  optionsShape: sds011OptionsShape,
  create: (sensors, context) =>
    streamingFrameDriver(
      sds011Layout,
      decodeSds011,
      sensors.map((sensor) => ({ name: sensor.name, unit: sensor.unit, pick: (decoded) => decoded[sensor.options.field] })),
      context,
    ),
};
