import type { TimerHandle } from '../../core/clock.js';
import type { PinIo } from '../../transports/johnny-five.js';
import type { DeviceBinding, DriverInstance, PathProblem, PinsContext, PinsDriverDefinition, SensorBinding } from '../driver.js';
import { readyPins } from '../pin-components.js';
import { pulseCounterDeviceShape, pulseCounterSensorShape, type PulseCounterDeviceOptions, type PulseCounterSensorOptions } from './schema.js';

type Device = DeviceBinding<PulseCounterDeviceOptions, PulseCounterSensorOptions>;
type Sensor = SensorBinding<PulseCounterSensorOptions>;

/**
 * The `pulse-counter` driver: rain-gauge tips or vehicle passes counted on a digital input of
 * a firmata board. Every edge is counted as it is reported; reports carry the running total,
 * so nothing is missed between them. See README.md beside this file.
 */
export const pulseCounterDriver: PinsDriverDefinition<typeof pulseCounterDeviceShape, typeof pulseCounterSensorShape> = {
  type: 'pulse-counter',
  summary: 'pulses on a digital input of a firmata board (rain gauge tips, vehicle passes) as counts and rates',
  link: 'pins',
  simulatedBy: { twin: 'firmata-board' },
  deviceShape: pulseCounterDeviceShape,
  sensorShape: pulseCounterSensorShape,
  checkDevice: oneCountingPerPin,
  create: (device, context) => createPulseCounter(device, context),
};

/** The sensors of one pin share its counting: they report it differently, but count the same edges. */
function oneCountingPerPin(device: Device): PathProblem[] {
  const firstByPin = new Map<number, Sensor>();
  const problems: PathProblem[] = [];
  for (const sensor of device.sensors) {
    const first = firstByPin.get(sensor.options.pin);
    if (!first) {
      firstByPin.set(sensor.options.pin, sensor);
      continue;
    }
    for (const option of ['edge', 'debounceMs'] as const) {
      if (first.options[option] !== sensor.options[option]) {
        problems.push({ path: `${sensor.path}.${option}`, message: `sensors of pin ${sensor.options.pin} count the same pulses: ${first.path} has ${option} ${first.options[option]}` });
      }
    }
  }
  return problems;
}

/** The counting of one pin, kept across replugs so `total` runs since the node started. */
interface PinCount {
  readonly pin: number;
  readonly sensors: Sensor[];
  total: number;
  reported: number;
  /** The level last seen in this opening, to tell an edge from a repeated report. */
  last: number | undefined;
  lastEdgeAt: number;
  /** Whether the pin is being read in this opening; a pin the board refused reports nothing. */
  listening: boolean;
}

function createPulseCounter(device: Device, context: PinsContext): DriverInstance {
  const { intervalMs } = device.options;
  const counts = new Map<number, PinCount>();
  for (const sensor of device.sensors) {
    const { pin } = sensor.options;
    const count = counts.get(pin) ?? { pin, sensors: [], total: 0, reported: 0, last: undefined, lastEdgeAt: Number.NEGATIVE_INFINITY, listening: false };
    count.sensors.push(sensor);
    counts.set(pin, count);
  }
  let timer: TimerHandle | undefined;
  let generation = 0;

  const report = (count: PinCount) => {
    const inInterval = count.total - count.reported;
    count.reported = count.total;
    const time = context.clock.now();
    for (const sensor of count.sensors) {
      const { field, scale } = sensor.options;
      const value = field === 'total' ? count.total * scale : field === 'count' ? inInterval * scale : (inInterval * scale * 3_600_000) / intervalMs;
      context.emit({ name: sensor.name, unit: sensor.unit, value: Math.round(value * 1e6) / 1e6, time });
    }
  };

  const close = () => {
    generation++;
    context.clock.clearTimeout(timer);
    timer = undefined;
    for (const count of counts.values()) count.listening = false;
  };

  const listen = (io: PinIo, count: PinCount, current: number) => {
    const { debounceMs, edge } = count.sensors[0]!.options;
    try {
      io.pinMode(count.pin, io.MODES['PULLUP'] ?? 0x0b);
    } catch (error) {
      context.problems.count('bad-pin', `pin ${count.pin}: ${(error as Error).message}`);
      return;
    }
    count.listening = true;
    count.last = undefined;
    io.digitalRead(count.pin, (value) => {
      if (current !== generation) return;
      const previous = count.last;
      count.last = value;
      if (previous === undefined || previous === value) return;
      const counted = edge === 'falling' ? previous === 1 && value === 0 : previous === 0 && value === 1;
      if (!counted) return;
      const now = context.clock.monotonic();
      if (now - count.lastEdgeAt < debounceMs) {
        context.problems.count('bounce', `pin ${count.pin}: an edge ${Math.round(now - count.lastEdgeAt)} ms after the last`);
        return;
      }
      count.lastEdgeAt = now;
      count.total++;
    });
  };

  return {
    onOpen() {
      close();
      const pins = readyPins(context, 'pulse-counter');
      if (!pins) return;
      const current = generation;
      const schedule = () => {
        timer = context.clock.setTimeout(() => {
          if (current !== generation) return;
          for (const count of counts.values()) if (count.listening) report(count);
          schedule();
        }, intervalMs);
      };
      for (const count of counts.values()) listen(pins.io, count, current);
      schedule();
    },
    onClose() {
      // The last partial interval is reported, so a stop loses no pulse that was seen.
      for (const count of counts.values()) if (count.total > count.reported) report(count);
      close();
    },
  };
}
