import type { DeviceBinding, HostDriverDefinition, PathProblem } from '../driver.js';
import { pollingInstance } from '../polling-instance.js';
import { createBme280Poller } from './poller.js';
import { bme280DeviceShape, bme280SensorShape, type Bme280DeviceOptions, type Bme280SensorOptions } from './schema.js';

export { createBme280Poller, type Bme280PollerOptions } from './poller.js';

/** The `bme280` driver: temperature, pressure and humidity from a Bosch BME280 on the Pi's I2C bus. See README.md beside this file. */
export const bme280Driver: HostDriverDefinition<typeof bme280DeviceShape, typeof bme280SensorShape> = {
  type: 'bme280',
  summary: "temperature, pressure and humidity from a BME280 (or BMP280) on the Pi's I2C bus",
  link: 'host',
  simulatedBy: { piSimulator: 'bme280' },
  deviceShape: bme280DeviceShape,
  sensorShape: bme280SensorShape,
  checkDevice: oneSensorPerField,
  create: (device, context) =>
    pollingInstance(createBme280Poller({ i2c: context.i2c, chip: device.options, sensors: device.sensors, clock: context.clock, problems: context.problems, emit: (reading) => context.emit(reading) })),
};

/** A measurement holds each quantity once: a second sensor of it would only send it twice. */
function oneSensorPerField(device: DeviceBinding<Bme280DeviceOptions, Bme280SensorOptions>): PathProblem[] {
  const firstByField = new Map<string, string>();
  const problems: PathProblem[] = [];
  for (const sensor of device.sensors) {
    const first = firstByField.get(sensor.options.field);
    if (first) problems.push({ path: `${sensor.path}.field`, message: `${sensor.options.field} of this chip is already read by ${first}` });
    else firstByField.set(sensor.options.field, sensor.path);
  }
  return problems;
}
