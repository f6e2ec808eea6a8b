import type { TimerHandle } from '../../core/clock.js';
import type { DriverContext, DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { readyPins } from '../firmata-pins.js';
import { pulseCounterOptionsShape, type PulseCounterOptions } from './schema.js';

/**
 * The `pulse-counter` driver: rain-gauge tips or vehicle passes counted on a digital input of
 * a firmata board. Every edge is counted as it is reported; reports carry the running total,
 * so nothing is missed between them. See README.md beside this file.
 */
export const pulseCounterDriver: DriverDefinition<typeof pulseCounterOptionsShape> = {
  type: 'pulse-counter',
  summary: 'pulses on a digital input of a firmata board (rain gauge tips, vehicle passes) as counts and rates',
  transports: ['firmata'],
  readsPins: true,
  optionsShape: pulseCounterOptionsShape,
  create: (sensors, context) => createPulseCounter(sensors, context),
};

interface PinCount {
  total: number;
  reported: number;
  last: number | undefined;
  lastEdgeAt: number;
}

function createPulseCounter(sensors: readonly SensorBinding<PulseCounterOptions>[], context: DriverContext): DriverInstance {
  const counts = new Map<number, PinCount>();
  for (const sensor of sensors) counts.set(sensor.options.pin, { total: 0, reported: 0, last: undefined, lastEdgeAt: Number.NEGATIVE_INFINITY });
  const timers: TimerHandle[] = [];
  let generation = 0;

  const report = (pin: number, intervalMs: number) => {
    const count = counts.get(pin)!;
    const inInterval = count.total - count.reported;
    count.reported = count.total;
    const time = context.clock.now();
    for (const sensor of sensors.filter((candidate) => candidate.options.pin === pin)) {
      const { field, scale } = sensor.options;
      const value = field === 'total' ? count.total * scale : field === 'count' ? inInterval * scale : (inInterval * scale * 3_600_000) / intervalMs;
      context.emit({ name: sensor.name, unit: sensor.unit, value: Math.round(value * 1e6) / 1e6, time });
    }
  };

  const close = () => {
    generation++;
    for (const timer of timers.splice(0)) context.clock.clearTimeout(timer);
  };

  return {
    framing: { kind: 'bytes' },
    onOpen() {
      close();
      const pins = readyPins(context, 'pulse-counter');
      if (!pins) return;
      const current = generation;
      for (const [pin, count] of counts) {
        const onPin = sensors.filter((sensor) => sensor.options.pin === pin);
        // Sensors of one pin share its counting; the shortest interval sets the reports.
        const intervalMs = Math.min(...onPin.map((sensor) => sensor.options.intervalMs));
        const { debounceMs, edge } = onPin[0]!.options;
        const schedule = () => {
          timers.push(
            context.clock.setTimeout(() => {
              if (current !== generation) return;
              report(pin, intervalMs);
              schedule();
            }, intervalMs),
          );
        };
        schedule();
        const io = pins.board.io;
        io.pinMode(pin, io.MODES['PULLUP'] ?? 0x0b);
        count.last = undefined;
        io.digitalRead(pin, (value) => {
          if (current !== generation) return;
          const previous = count.last;
          count.last = value;
          if (previous === undefined || previous === value) return;
          const counted = edge === 'falling' ? previous === 1 && value === 0 : previous === 0 && value === 1;
          if (!counted) return;
          const now = context.clock.monotonic();
          if (now - count.lastEdgeAt < debounceMs) {
            context.problems.count('bounce', `pin ${pin}: an edge ${Math.round(now - count.lastEdgeAt)} ms after the last`);
            return;
          }
          count.lastEdgeAt = now;
          count.total++;
        });
      }
    },
    onClose() {
      // The last partial interval is reported, so a stop loses no pulse that was seen.
      for (const [pin, count] of counts) {
        if (count.total > count.reported) report(pin, Math.min(...sensors.filter((sensor) => sensor.options.pin === pin).map((sensor) => sensor.options.intervalMs)));
      }
      close();
    },
  };
}
