/**
 * What the pin drivers (analog, digital, thermometer, pulse-counter) share: finding the pins
 * of a board that is ready, and running one johnny-five component per sensor.
 */
import type { PinComponent, Pins } from '../transports/johnny-five.js';
import type { DriverInstance, PinsContext } from './driver.js';

/** The board's pins while it is ready, or undefined after counting why a pin driver cannot run. */
export function readyPins(context: PinsContext, type: string): Pins | undefined {
  const pins = context.pins();
  if (!pins) context.problems.count('no-pins', `the ${type} driver has no pins to read: its board's GPIO did not open (the log says why)`);
  return pins;
}

/** A sensor with a name, for problems that say which one is idle. */
interface NamedSensor {
  readonly name: string;
}

/**
 * A pin driver made of one johnny-five component per sensor (Thermometer, Sensor): made when
 * the board is ready, `read` at each 'data' event, switched off when the board closes or the
 * node stops, and made anew after a replug. A component the board refuses (a pin it does not
 * have) is counted as `bad-pin`, and the other sensors run.
 */
export function componentDriver<Sensor extends NamedSensor, Component extends PinComponent>(
  type: string,
  sensors: readonly Sensor[],
  context: PinsContext,
  create: (pins: Pins, sensor: Sensor) => Component,
  read: (component: Component, sensor: Sensor) => void,
): DriverInstance {
  let running: Component[] = [];
  const close = () => {
    for (const component of running) {
      component.removeAllListeners();
      component.disable();
    }
    running = [];
  };
  return {
    onOpen() {
      close();
      const pins = readyPins(context, type);
      if (!pins) return;
      for (const sensor of sensors) {
        let component: Component;
        try {
          component = create(pins, sensor);
        } catch (error) {
          context.problems.count('bad-pin', `${sensor.name}: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        component.on('data', () => read(component, sensor));
        running.push(component);
      }
    },
    onClose: close,
  };
}
