import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { ProblemCounter } from '../../src/core/problems.js';
import type { Reading } from '../../src/core/reading.js';
import type { BytesDriverDefinition, BytesDriverInstance, DriverContext, SensorBinding } from '../../src/drivers/driver.js';

/** A bytes driver instance on a virtual clock, with everything it emits, counts and writes kept for assertions. */
export interface DriverHarness {
  readonly clock: VirtualClock;
  readonly problems: ProblemCounter;
  readonly readings: Reading[];
  /** What the driver wrote to the device. */
  readonly written: Buffer[];
  /** Times offered to the node's clock (a GPS fix), in order. */
  readonly offeredTimes: { utcMs: number; source: string }[];
  readonly instance: BytesDriverInstance;
  line(text: string): void;
  bytes(chunk: Buffer | number[]): void;
}

/** A sensor for the harness: `[name, unit, options]`, options as the driver's sensor schema outputs them. */
export type HarnessSensor<Options> = [name: string, unit: string | undefined, options: Options];

/** The parts of a context every driver kind has, on a virtual clock, recording what the driver does. */
export function baseContext(start = Date.UTC(2026, 5, 1, 12)): DriverContext & { clock: VirtualClock; readings: Reading[]; offeredTimes: { utcMs: number; source: string }[] } {
  const clock = new VirtualClock(start);
  const readings: Reading[] = [];
  const offeredTimes: { utcMs: number; source: string }[] = [];
  return {
    clock,
    logger: silentLogger,
    problems: new ProblemCounter(silentLogger, clock),
    readings,
    offeredTimes,
    emit: (reading) => readings.push(reading),
    offerTime: (utcMs, source) => offeredTimes.push({ utcMs, source }),
  };
}

/** Sensor bindings with the paths the config would give them on the first board. */
export function sensorBindings<Options>(sensors: readonly HarnessSensor<Options>[]): SensorBinding<Options>[] {
  return sensors.map(([name, unit, options], index) => ({ name, unit, options, path: `boards[0].sensors[${index}]` }));
}

/**
 * Builds a bytes driver for one device: its device options (as the device schema outputs
 * them) and its sensors.
 */
export function harness<DeviceOptions, SensorOptions>(
  definition: BytesDriverDefinition,
  device: DeviceOptions,
  sensors: readonly HarnessSensor<SensorOptions>[],
  start = Date.UTC(2026, 5, 1, 12),
): DriverHarness {
  const base = baseContext(start);
  const written: Buffer[] = [];
  const create = definition.create as (device: unknown, context: unknown) => BytesDriverInstance;
  const instance = create(
    { boardId: 'board', path: 'boards[0]', options: device, sensors: sensorBindings(sensors) },
    { ...base, write: async (data: Buffer) => void written.push(Buffer.from(data)) },
  );
  return {
    clock: base.clock,
    problems: base.problems,
    readings: base.readings,
    written,
    offeredTimes: base.offeredTimes,
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
