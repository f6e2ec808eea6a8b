import type { DriverDefinition } from '../driver.js';
import { componentDriver } from '../firmata-pins.js';
import { scaleExactly } from '../lines/decode.js';
import { analogOptionsShape } from './schema.js';

/**
 * The `analog` driver: any analog sensor on an Arduino running StandardFirmata, read by a
 * johnny-five Sensor and scaled to engineering units. See README.md beside this file.
 */
export const analogDriver: DriverDefinition<typeof analogOptionsShape> = {
  type: 'analog',
  summary: 'an analog input of a firmata board, scaled to engineering units',
  transports: ['firmata'],
  readsPins: true,
  optionsShape: analogOptionsShape,
  create: (sensors, context) =>
    componentDriver(
      'analog',
      sensors,
      context,
      (pins, sensor) => new pins.five.Sensor({ pin: sensor.options.pin, freq: sensor.options.intervalMs, board: pins.board }),
      (component, sensor) => {
        const raw = (component as unknown as { value: number }).value;
        const { scale, offset } = sensor.options;
        const value = scale === 1 && offset === 0 ? raw : scaleExactly(raw, 0, scale, offset);
        context.emit({ name: sensor.name, unit: sensor.unit, value, time: context.clock.now() });
      },
    ),
};
