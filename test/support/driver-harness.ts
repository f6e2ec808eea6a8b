import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { ProblemCounter } from '../../src/core/problems.js';
import type { Reading } from '../../src/core/reading.js';
import type { DriverDefinition, DriverInstance, SensorBinding } from '../../src/drivers/driver.js';

/** A driver instance on a virtual clock, with everything it emits, counts and writes kept for assertions. */
export interface DriverHarness {
  readonly clock: VirtualClock;
  readonly problems: ProblemCounter;
  readonly readings: Reading[];
  /** What the driver wrote to the device. */
  readonly written: Buffer[];
  readonly instance: DriverInstance;
  line(text: string): void;
  bytes(chunk: Buffer | number[]): void;
}

/** Builds `definition` for the given sensors: `[name, unit, options]`, options as the schema's output. */
export function harness<Options>(definition: DriverDefinition, sensors: [string, string | undefined, Options][], start = Date.UTC(2026, 5, 1, 12)): DriverHarness {
  const clock = new VirtualClock(start);
  const problems = new ProblemCounter(silentLogger, clock);
  const readings: Reading[] = [];
  const written: Buffer[] = [];
  const bindings: SensorBinding<Options>[] = sensors.map(([name, unit, options], index) => ({ name, unit, options, path: `sensors[${index}]` }));
  const instance = definition.create(bindings as SensorBinding<never>[], {
    clock,
    logger: silentLogger,
    problems,
    emit: (reading) => readings.push(reading),
    write: async (data) => void written.push(Buffer.from(data)),
  });
  return {
    clock,
    problems,
    readings,
    written,
    instance,
    line(text) {
      if (!instance.onLine) throw new Error(`${definition.type} does not take lines`);
      instance.onLine(text);
    },
    bytes(chunk) {
      if (!instance.onBytes) throw new Error(`${definition.type} does not take bytes`);
      instance.onBytes(Buffer.from(chunk));
    },
  };
}
