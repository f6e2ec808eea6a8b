import type { DriverDefinition } from '../driver.js';
import { fileDriverInstance } from '../../transports/pi/file-driver.js';
import { createBme280Poller } from './poller.js';
import { bme280OptionsShape, chipKey } from './schema.js';

export { createBme280Poller, type Bme280PollerOptions } from './poller.js';

/** The `bme280` driver: temperature, pressure and humidity from a Bosch BME280 on the Pi's I2C bus. See README.md beside this file. */
export const bme280Driver: DriverDefinition<typeof bme280OptionsShape> = {
  type: 'bme280',
  summary: 'temperature, pressure and humidity from a BME280 (or BMP280) on the Pi\'s I2C bus',
  transports: ['pi'],
  optionsShape: bme280OptionsShape,
  checkBoard: (sensors) => {
    // One chip makes one measurement per poll: its fields must agree on when and how.
    const problems: { path: string; message: string }[] = [];
    const first = new Map<string, (typeof sensors)[number]>();
    for (const sensor of sensors) {
      const key = chipKey(sensor.options);
      const chip = first.get(key);
      if (!chip) {
        first.set(key, sensor);
        continue;
      }
      if (chip.options.field === sensor.options.field) problems.push({ path: `${sensor.path}.driver.field`, message: `${sensor.options.field} of this chip is already read by ${chip.path}` });
      for (const option of ['intervalMs', 'oversampling'] as const) {
        if (chip.options[option] !== sensor.options[option]) problems.push({ path: `${sensor.path}.driver.${option}`, message: `fields of one chip share ${option}: ${chip.path} has ${chip.options[option]}` });
      }
    }
    return problems;
  },
  create: (sensors, context) =>
    fileDriverInstance('bme280', context, (pi) => createBme280Poller({ i2c: pi.i2c, clock: context.clock, problems: context.problems, emit: (reading) => context.emit(reading), sensors })),
};
