import type { DriverDefinition } from '../driver.js';
import { componentDriver } from '../firmata-pins.js';
import { thermometerOptionsShape } from './schema.js';

/**
 * The `thermometer` driver: an analog temperature sensor on an Arduino running StandardFirmata,
 * read and converted by a johnny-five Thermometer (LM35, TMP36). See README.md beside this file.
 */
export const thermometerDriver: DriverDefinition<typeof thermometerOptionsShape> = {
  type: 'thermometer',
  summary: 'an analog temperature sensor (LM35, TMP36) on a firmata board, through johnny-five',
  transports: ['firmata'],
  readsPins: true,
  optionsShape: thermometerOptionsShape,
  create: (sensors, context) =>
    componentDriver(
      'thermometer',
      sensors,
      context,
      (pins, sensor) => new pins.five.Thermometer({ controller: sensor.options.controller, pin: sensor.options.pin, freq: sensor.options.intervalMs, board: pins.board }),
      (component, sensor) => {
        const celsius = (component as unknown as { celsius: number }).celsius;
        if (Number.isFinite(celsius)) context.emit({ name: sensor.name, unit: sensor.unit ?? 'Cel', value: Math.round(celsius * 100) / 100, time: context.clock.now() });
        else context.problems.count('bad-value', `${sensor.options.pin}: ${celsius}`);
      },
    ),
};
