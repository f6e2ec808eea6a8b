import type { BytesDriverDefinition } from '../driver.js';
import { streamingFrameDriver } from '../frame-driver.js';
import { decodeSds011, sds011Layout } from './decode.js';
import { sds011DeviceShape, sds011SensorShape } from './schema.js';

/** The `sds011` driver: particulate matter from a Nova SDS011. See README.md beside this file. */
export const sds011Driver: BytesDriverDefinition<typeof sds011DeviceShape, typeof sds011SensorShape> = {
  type: 'sds011',
  summary: 'PM2.5 and PM10 from a Nova SDS011 laser dust sensor (binary frames, 9600 baud)',
  link: 'bytes',
  defaultBaud: 9600,
  deviceShape: sds011DeviceShape,
  sensorShape: sds011SensorShape,
  create: (device, context) =>
    streamingFrameDriver(
      sds011Layout,
      decodeSds011,
      device.sensors.map((sensor) => ({ name: sensor.name, unit: sensor.unit, pick: (decoded) => decoded[sensor.options.field] })),
      context,
    ),
};
