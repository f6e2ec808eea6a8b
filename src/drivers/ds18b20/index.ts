import type { DeviceBinding, HostDriverDefinition, PathProblem } from '../driver.js';
import { pollingInstance } from '../polling-instance.js';
import { createDs18b20Poller } from './poller.js';
import { ds18b20DeviceShape, ds18b20SensorShape, type Ds18b20DeviceOptions, type Ds18b20SensorOptions } from './schema.js';

export { createDs18b20Poller, w1SlavePath, W1_DEVICES, type Ds18b20PollerOptions } from './poller.js';

/** The `ds18b20` driver: 1-Wire temperature sensors read through the kernel's w1_therm files. See README.md beside this file. */
export const ds18b20Driver: HostDriverDefinition<typeof ds18b20DeviceShape, typeof ds18b20SensorShape> = {
  type: 'ds18b20',
  summary: 'temperature from DS18B20 1-Wire sensors on the Pi, read from /sys/bus/w1/devices/<id>/w1_slave',
  link: 'host',
  simulatedBy: { piSimulator: 'ds18b20' },
  deviceShape: ds18b20DeviceShape,
  sensorShape: ds18b20SensorShape,
  checkDevice: oneReaderPerSensorId,
  create: (device, context) =>
    pollingInstance(createDs18b20Poller({ files: context.files, intervalMs: device.options.intervalMs, sensors: device.sensors, clock: context.clock, problems: context.problems, emit: (reading) => context.emit(reading) })),
};

/** Each read of w1_slave converts again and holds the bus for 750 ms: one sensor, one reader. */
function oneReaderPerSensorId(device: DeviceBinding<Ds18b20DeviceOptions, Ds18b20SensorOptions>): PathProblem[] {
  const firstById = new Map<string, string>();
  const problems: PathProblem[] = [];
  for (const sensor of device.sensors) {
    const first = firstById.get(sensor.options.sensorId);
    if (first) problems.push({ path: `${sensor.path}.sensorId`, message: `${sensor.options.sensorId} is already read by ${first}` });
    else firstById.set(sensor.options.sensorId, sensor.path);
  }
  return problems;
}
