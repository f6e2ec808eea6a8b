import { scaleExactly } from '../lines/decode.js';
import type { DriverContext, DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { analogOptionsShape, type AnalogOptions } from './schema.js';

/**
 * The `analog` driver: any analog sensor on an Arduino running StandardFirmata, read by a
 * johnny-five Sensor and scaled to engineering units. See README.md beside this file.
 */
export const analogDriver: DriverDefinition<typeof analogOptionsShape> = {
  type: 'analog',
  summary: 'an analog input of a firmata board, scaled to engineering units',
  transports: ['firmata'],
  optionsShape: analogOptionsShape,
  create: (sensors, context) => createAnalogInputs(sensors, context),
};

function createAnalogInputs(sensors: readonly SensorBinding<AnalogOptions>[], context: DriverContext): DriverInstance {
  let running: { disable(): void; removeAllListeners(): void }[] = [];
  const close = () => {
    for (const sensor of running) {
      sensor.removeAllListeners();
      sensor.disable();
    }
    running = [];
  };
  return {
    framing: { kind: 'bytes' },
    onOpen() {
      close();
      const pins = context.pins?.();
      if (!pins) {
        context.problems.count('no-board', 'the analog driver needs a firmata board');
        return;
      }
      running = sensors.map((sensor) => {
        const input = new pins.five.Sensor({ pin: sensor.options.pin, freq: sensor.options.intervalMs, board: pins.board });
        input.on('data', () => {
          const { scale, offset } = sensor.options;
          const value = scale === 1 && offset === 0 ? input.value : scaleExactly(input.value, 0, scale, offset);
          context.emit({ name: sensor.name, unit: sensor.unit, value, time: context.clock.now() });
        });
        return input;
      });
    },
    onClose: close,
  };
}
