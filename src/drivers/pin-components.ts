import type { BoardPins } from '../transports/johnny-five.js';
import type { DriverContext, DriverInstance } from './driver.js';

/** The board's pins while it is ready, or undefined after counting why a pin driver cannot run. */
export function readyPins(context: DriverContext, type: string): BoardPins | undefined {
  const pins = context.pins?.();
  if (!pins) context.problems.count('no-pins', `the ${type} driver has no pins to read: its board's GPIO did not open (the log says why)`);
  return pins;
}

/** A johnny-five component that reports with 'data' events and can be switched off. */
interface Component {
  on(event: 'data', listener: () => void): unknown;
  disable(): void;
  removeAllListeners(): unknown;
}

/**
 * A pin driver made of one johnny-five component per sensor (Thermometer, Sensor): made when
 * the board is ready, `read` at each 'data' event, switched off when the board closes or the
 * node stops, and made anew after a replug.
 */
export function componentDriver<Sensor>(
  type: string,
  sensors: readonly Sensor[],
  context: DriverContext,
  create: (pins: BoardPins, sensor: Sensor) => Component,
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
    framing: { kind: 'bytes' },
    onOpen() {
      close();
      const pins = readyPins(context, type);
      if (!pins) return;
      running = sensors.map((sensor) => {
        const component = create(pins, sensor);
        component.on('data', () => read(component, sensor));
        return component;
      });
    },
    onClose: close,
  };
}
