/**
 * Reads BME280 chips on the Pi's I2C buses: one poll loop per chip, one forced measurement
 * per poll, and every configured field of that chip emitted from that one measurement.
 * Failures are counted by cause and the chip is set up afresh at the next poll, so a sensor
 * rewired or swapped while running is picked up without a restart.
 */
import type { Clock } from '../../core/clock.js';
import type { ProblemCounter } from '../../core/problems.js';
import type { Reading } from '../../core/reading.js';
import { DeviceError } from '../../core/errors.js';
import { hexAddress, type I2cBuses } from '../../transports/pi/i2c.js';
import { PollLoop, type Poller } from '../poll-loop.js';
import type { SensorBinding } from '../driver.js';
import { Bme280Chip, type ChipMeasurement } from './chip.js';
import { chipKey, type Bme280Options } from './schema.js';

export interface Bme280PollerOptions {
  readonly i2c: I2cBuses;
  readonly clock: Clock;
  readonly problems: Pick<ProblemCounter, 'count'>;
  emit(reading: Reading): void;
  readonly sensors: readonly SensorBinding<Bme280Options>[];
}

/** The datasheet's operating range; a value outside it is a fault, not weather. */
const OPERATING_RANGE = {
  temperature: [-40, 85],
  pressure: [30_000, 110_000],
  humidity: [0, 100],
} as const;

export function createBme280Poller(options: Bme280PollerOptions): Poller {
  const byChip = new Map<string, SensorBinding<Bme280Options>[]>();
  for (const sensor of options.sensors) byChip.set(chipKey(sensor.options), [...(byChip.get(chipKey(sensor.options)) ?? []), sensor]);
  const loops = [...byChip.values()].map((sensors) => {
    const { bus, address, intervalMs, oversampling } = sensors[0]!.options;
    const chip = new Bme280Chip(options.i2c.bus(bus), address, { oversampling: { temperature: oversampling, pressure: oversampling, humidity: oversampling } }, options.clock);
    const label = `BME280 on I2C bus ${bus} at ${hexAddress(address)}`;
    return new PollLoop(options.clock, intervalMs, async (isCurrent) => {
      let measurement: ChipMeasurement;
      try {
        measurement = await chip.measure();
      } catch (error) {
        chip.reset();
        if (!isCurrent()) return;
        if (error instanceof DeviceError) options.problems.count(error.problem, `${label}: ${error.message}`);
        else options.problems.count('read-failed', `${label}: ${(error as Error).message}`);
        return;
      }
      if (isCurrent()) emitFields(measurement, sensors, label, options);
    });
  });
  return {
    start: () => loops.forEach((loop) => loop.start()),
    stop: () => loops.forEach((loop) => loop.stop()),
    settled: async () => {
      await Promise.all(loops.map((loop) => loop.settled()));
    },
  };
}

function emitFields(measurement: ChipMeasurement, sensors: readonly SensorBinding<Bme280Options>[], label: string, options: Bme280PollerOptions): void {
  const time = options.clock.now();
  for (const sensor of sensors) {
    const { field } = sensor.options;
    const value = field === 'temperature' ? measurement.celsius : field === 'pressure' ? measurement.pascal : measurement.relativeHumidity;
    if (value === undefined) {
      if (field === 'humidity' && measurement.chip === 'BMP280') options.problems.count('no-humidity', `${label} is a BMP280: it measures no humidity`);
      else options.problems.count('skipped', `${label}: the chip returned no ${field}`);
      continue;
    }
    const [low, high] = OPERATING_RANGE[field];
    if (value < low || value > high) {
      options.problems.count('out-of-range', `${label}: ${field} ${value} lies outside the chip's range ${low}..${high}`);
      continue;
    }
    options.emit({ name: sensor.name, unit: sensor.unit, value, time });
  }
}
