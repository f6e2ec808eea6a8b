import type { BytesDriverDefinition } from '../driver.js';
import { streamingFrameDriver } from '../frame-driver.js';
import { decodePms5003, pms5003Layout } from './decode.js';
import { pms5003DeviceShape, pms5003SensorShape } from './schema.js';

/** The `pms5003` driver: particulate matter and particle counts from a Plantower PMS5003. See README.md beside this file. */
export const pms5003Driver: BytesDriverDefinition<typeof pms5003DeviceShape, typeof pms5003SensorShape> = {
  type: 'pms5003',
  summary: 'PM1.0, PM2.5, PM10 and particle counts from a Plantower PMS5003 (binary frames, 9600 baud)',
  link: 'bytes',
  defaultBaud: 9600,
  deviceShape: pms5003DeviceShape,
  sensorShape: pms5003SensorShape,
  create: (device, context) =>
    streamingFrameDriver(
      pms5003Layout,
      decodePms5003,
      device.sensors.map((sensor) => ({ name: sensor.name, unit: sensor.unit, pick: (decoded) => decoded[sensor.options.field] })),
      context,
    ),
};
