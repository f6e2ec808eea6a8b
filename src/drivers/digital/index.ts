import type { TimerHandle } from '../../core/clock.js';
import type { DeviceBinding, DriverInstance, PathProblem, PinsContext, PinsDriverDefinition, SensorBinding } from '../driver.js';
import { readyPins } from '../pin-components.js';
import { digitalDeviceShape, digitalSensorShape, type DigitalDeviceOptions, type DigitalSensorOptions } from './schema.js';

/**
 * The `digital` driver: a button, PIR motion sensor or door contact on a digital pin of a
 * firmata board or the Pi's header. A change is reported as a boolean (`vb`) once the pin has
 * held its new level for the debounce time; the state is reported when the board becomes ready.
 */
export const digitalDriver: PinsDriverDefinition<typeof digitalDeviceShape, typeof digitalSensorShape> = {
  type: 'digital',
  summary: "a button, PIR or door contact on a digital pin of a firmata board or the Pi's header, debounced, as on/off",
  link: 'pins',
  simulatedBy: { twin: 'firmata-board' },
  deviceShape: digitalDeviceShape,
  sensorShape: digitalSensorShape,
  checkDevice: onePullupPerPin,
  create: (device, context) => createDigitalInputs(device.sensors, context),
};

/** A pin has one mode: two sensors reading it may differ in polarity or debounce, not in its pull-up. */
function onePullupPerPin(device: DeviceBinding<DigitalDeviceOptions, DigitalSensorOptions>): PathProblem[] {
  const firstByPin = new Map<number, SensorBinding<DigitalSensorOptions>>();
  const problems: PathProblem[] = [];
  for (const sensor of device.sensors) {
    const first = firstByPin.get(sensor.options.pin);
    if (!first) firstByPin.set(sensor.options.pin, sensor);
    else if (first.options.pullup !== sensor.options.pullup) {
      problems.push({ path: `${sensor.path}.pullup`, message: `pin ${sensor.options.pin} is also read by ${first.path} with pullup ${first.options.pullup}: one pin has one mode` });
    }
  }
  return problems;
}

function createDigitalInputs(sensors: readonly SensorBinding<DigitalSensorOptions>[], context: PinsContext): DriverInstance {
  let generation = 0;
  const timers = new Map<SensorBinding<DigitalSensorOptions>, TimerHandle>();
  const close = () => {
    generation++;
    for (const timer of timers.values()) context.clock.clearTimeout(timer);
    timers.clear();
  };
  return {
    onOpen() {
      close();
      const pins = readyPins(context, 'digital');
      if (!pins) return;
      const current = generation;
      const { io } = pins;
      for (const sensor of sensors) {
        const { pin, pullup, activeLow, debounceMs } = sensor.options;
        try {
          io.pinMode(pin, pullup ? (io.MODES['PULLUP'] ?? 0x0b) : (io.MODES['INPUT'] ?? 0));
        } catch (error) {
          // A pin the board does not have (GPIO 30 on a Pi): this sensor is idle, the others run.
          context.problems.count('bad-pin', `${sensor.name}: ${(error as Error).message}`);
          continue;
        }
        let reported: boolean | undefined;
        let level: number | undefined;
        const settle = () => {
          const on = activeLow ? level === 0 : level === 1;
          if (on === reported) return;
          reported = on;
          context.emit({ name: sensor.name, unit: sensor.unit, value: on, time: context.clock.now() });
        };
        io.digitalRead(pin, (value) => {
          if (current !== generation || value === level) return;
          level = value;
          context.clock.clearTimeout(timers.get(sensor));
          if (reported === undefined || debounceMs === 0) return settle();
          // Bounces restart the wait: only a level held for debounceMs is a change.
          timers.set(sensor, context.clock.setTimeout(() => current === generation && settle(), debounceMs));
        });
      }
    },
    onClose: close,
  };
}
