/**
 * Reads a BME280 chip on one of the Pi's I2C buses: one forced measurement per poll, and
 * every configured field of the chip emitted from that one measurement.
 * Failures are counted by cause and the chip is set up afresh at the next poll, so a sensor
 * rewired or swapped while running is picked up without a restart.
 */
import { DeviceError } from '../../core/errors.js';
import { hexAddress, type I2cBuses } from '../../transports/pi/i2c.js';
import type { SensorBinding } from '../driver.js';
import { PollLoop, type PollOutput, type Poller } from '../poll-loop.js';
import { Bme280Chip, type ChipMeasurement } from './chip.js';
import type { Bme280DeviceOptions, Bme280SensorOptions } from './schema.js';

/** What a BME280 poll needs: the buses, the chip's settings, its sensors, and where results go. */
export interface Bme280PollerOptions extends PollOutput {
  readonly i2c: I2cBuses;
  readonly chip: Bme280DeviceOptions;
  readonly sensors: readonly SensorBinding<Bme280SensorOptions>[];
}

/** The datasheet's operating range; a value outside it is a fault, not weather. */
const OPERATING_RANGE = {
  temperature: [-40, 85],
  pressure: [30_000, 110_000],
  humidity: [0, 100],
} as const;

/** Measures the chip once per interval and emits each configured field from that one measurement. */
export function createBme280Poller(options: Bme280PollerOptions): Poller {
  const { bus, address, intervalMs, oversampling } = options.chip;
  const chip = new Bme280Chip(options.i2c.bus(bus), address, { oversampling: { temperature: oversampling, pressure: oversampling, humidity: oversampling } }, options.clock);
  const label = `BME280 on I2C bus ${bus} at ${hexAddress(address)}`;
  return new PollLoop(
    options.clock,
    intervalMs,
    async (isCurrent) => {
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
      if (isCurrent()) emitFields(measurement, label, options);
    },
    (error) => options.problems.count('read-failed', `${label}: ${(error as Error).message}`),
  );
}

function emitFields(measurement: ChipMeasurement, label: string, options: Bme280PollerOptions): void {
  const time = options.clock.now();
  for (const sensor of options.sensors) {
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
