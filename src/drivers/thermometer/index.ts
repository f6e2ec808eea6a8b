import type { PinsDriverDefinition } from '../driver.js';
import { componentDriver } from '../pin-components.js';
import { thermometerDeviceShape, thermometerSensorShape } from './schema.js';

/**
 * The `thermometer` driver: an analog temperature sensor on an Arduino running StandardFirmata,
 * read and converted by a johnny-five Thermometer (LM35, TMP36). See README.md beside this file.
 */
export const thermometerDriver: PinsDriverDefinition<typeof thermometerDeviceShape, typeof thermometerSensorShape> = {
  type: 'thermometer',
  summary: 'an analog temperature sensor (LM35, TMP36) on a firmata board, through johnny-five',
  link: 'pins',
  simulatedBy: { twin: 'firmata-board' },
  deviceShape: thermometerDeviceShape,
  sensorShape: thermometerSensorShape,
  create: (device, context) =>
    componentDriver(
      'thermometer',
      device.sensors,
      context,
      (pins, sensor) => pins.thermometer({ controller: sensor.options.controller, pin: sensor.options.pin, freq: device.options.intervalMs }),
      (component, sensor) => {
        const { celsius } = component;
        if (Number.isFinite(celsius)) context.emit({ name: sensor.name, unit: sensor.unit ?? 'Cel', value: Math.round(celsius * 100) / 100, time: context.clock.now() });
        else context.problems.count('bad-value', `${sensor.options.pin}: ${celsius}`);
      },
    ),
};
