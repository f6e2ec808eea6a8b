import type { TimerHandle } from '../../core/clock.js';
import type { DriverContext, DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { readyPins } from '../firmata-pins.js';
import { digitalOptionsShape, type DigitalOptions } from './schema.js';

/**
 * The `digital` driver: a button, PIR motion sensor or door contact on a digital pin of a
 * firmata board. A change is reported as a boolean (`vb`) once the pin has held its new level
 * for the debounce time; the state is reported when the board becomes ready.
 */
export const digitalDriver: DriverDefinition<typeof digitalOptionsShape> = {
  type: 'digital',
  summary: "a button, PIR or door contact on a digital pin of a firmata board or the Pi's header, debounced, as on/off",
  transports: ['firmata', 'pi'],
  readsPins: true,
  optionsShape: digitalOptionsShape,
  create: (sensors, context) => createDigitalInputs(sensors, context),
};

function createDigitalInputs(sensors: readonly SensorBinding<DigitalOptions>[], context: DriverContext): DriverInstance {
  let generation = 0;
  const timers = new Map<string, TimerHandle>();
  const close = () => {
    generation++;
    for (const timer of timers.values()) context.clock.clearTimeout(timer);
    timers.clear();
  };
  return {
    framing: { kind: 'bytes' },
    onOpen() {
      close();
      const pins = readyPins(context, 'digital');
      if (!pins) return;
      const current = generation;
      for (const sensor of sensors) {
        const { pin, pullup, activeLow, debounceMs } = sensor.options;
        const io = pins.board.io;
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
          context.clock.clearTimeout(timers.get(sensor.name));
          if (reported === undefined || debounceMs === 0) return settle();
          // Bounces restart the wait: only a level held for debounceMs is a change.
          timers.set(sensor.name, context.clock.setTimeout(() => current === generation && settle(), debounceMs));
        });
      }
    },
    onClose: close,
  };
}
