import type { DriverDefinition } from '../driver.js';
import { fileDriverInstance } from '../../transports/pi/file-driver.js';
import { createDs18b20Poller } from './poller.js';
import { ds18b20OptionsShape } from './schema.js';

export { createDs18b20Poller, w1SlavePath, W1_DEVICES, type Ds18b20PollerOptions } from './poller.js';

/** The `ds18b20` driver: 1-Wire temperature sensors read through the kernel's w1_therm files. See README.md beside this file. */
export const ds18b20Driver: DriverDefinition<typeof ds18b20OptionsShape> = {
  type: 'ds18b20',
  summary: 'temperature from DS18B20 1-Wire sensors on the Pi, read from /sys/bus/w1/devices/<id>/w1_slave',
  transports: ['pi'],
  optionsShape: ds18b20OptionsShape,
  checkBoard: (sensors) => {
    // Each read of w1_slave converts again and holds the bus for 750 ms: one sensor, one reader.
    const firstById = new Map<string, string>();
    const problems: { path: string; message: string }[] = [];
    for (const sensor of sensors) {
      const first = firstById.get(sensor.options.sensorId);
      if (first) problems.push({ path: `${sensor.path}.driver.sensorId`, message: `${sensor.options.sensorId} is already read by ${first}` });
      else firstById.set(sensor.options.sensorId, sensor.path);
    }
    return problems;
  },
  create: (sensors, context) =>
    fileDriverInstance('ds18b20', context, (pi) =>
      createDs18b20Poller({ root: pi.files, clock: context.clock, problems: context.problems, emit: (reading) => context.emit(reading), sensors }),
    ),
};
