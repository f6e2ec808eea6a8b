import type { DriverContext, DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { thermometerOptionsShape, type ThermometerOptions } from './schema.js';

/**
 * The `thermometer` driver: an analog temperature sensor on an Arduino running StandardFirmata,
 * read and converted by a johnny-five Thermometer (LM35, TMP36). See README.md beside this file.
 */
export const thermometerDriver: DriverDefinition<typeof thermometerOptionsShape> = {
  type: 'thermometer',
  summary: 'an analog temperature sensor (LM35, TMP36) on a firmata board, through johnny-five',
  transports: ['firmata'],
  optionsShape: thermometerOptionsShape,
  create: (sensors, context) => createThermometers(sensors, context),
};

function createThermometers(sensors: readonly SensorBinding<ThermometerOptions>[], context: DriverContext): DriverInstance {
  let running: { disable(): void; removeAllListeners(): void }[] = [];
  const close = () => {
    for (const thermometer of running) {
      thermometer.removeAllListeners();
      thermometer.disable();
    }
    running = [];
  };
  return {
    framing: { kind: 'bytes' },
    onOpen() {
      close();
      const pins = context.pins?.();
      if (!pins) {
        context.problems.count('no-board', 'the thermometer driver needs a firmata board');
        return;
      }
      running = sensors.map((sensor) => {
        const thermometer = new pins.five.Thermometer({ controller: sensor.options.controller, pin: sensor.options.pin, freq: sensor.options.intervalMs, board: pins.board });
        thermometer.on('data', () => {
          const celsius = thermometer.celsius;
          if (Number.isFinite(celsius)) context.emit({ name: sensor.name, unit: sensor.unit ?? 'Cel', value: Math.round(celsius * 100) / 100, time: context.clock.now() });
          else context.problems.count('bad-value', `${sensor.options.pin}: ${celsius}`);
        });
        return thermometer;
      });
    },
    onClose: close,
  };
}
