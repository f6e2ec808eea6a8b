import type { PinsDriverDefinition } from '../driver.js';
import { scaleExactly } from '../lines/decode.js';
import { componentDriver } from '../pin-components.js';
import { analogDeviceShape, analogSensorShape } from './schema.js';

/**
 * The `analog` driver: any analog sensor on an Arduino running StandardFirmata, read by a
 * johnny-five Sensor and scaled to engineering units. See README.md beside this file.
 */
export const analogDriver: PinsDriverDefinition<typeof analogDeviceShape, typeof analogSensorShape> = {
  type: 'analog',
  summary: 'an analog input of a firmata board, scaled to engineering units',
  link: 'pins',
  simulatedBy: { twin: 'firmata-board' },
  deviceShape: analogDeviceShape,
  sensorShape: analogSensorShape,
  create: (device, context) =>
    componentDriver(
      'analog',
      device.sensors,
      context,
      (pins, sensor) => pins.analogInput({ pin: sensor.options.pin, freq: device.options.intervalMs }),
      (component, sensor) => {
        const raw = component.value;
        const { scale, offset } = sensor.options;
        const value = scale === 1 && offset === 0 ? raw : scaleExactly(raw, 0, scale, offset);
        context.emit({ name: sensor.name, unit: sensor.unit, value, time: context.clock.now() });
      },
    ),
};
