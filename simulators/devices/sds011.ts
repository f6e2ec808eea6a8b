import { z } from 'zod';
import type { Clock } from '../../src/core/clock.js';
import { encodeSds011, type Sds011Reading } from '../../src/drivers/sds011/decode.js';
import type { DeviceLink, SimulatorDefinition } from '../device.js';
import { faultOptionsShape } from '../faults.js';
import { AirQualityModel } from '../models/air-quality.js';
import { PeriodicDevice, type PeriodicOptions } from './periodic.js';

/** Options of the simulated SDS011 (`boards[].simulator` with `device: sds011`). */
export const sds011SimulatorShape = {
  seed: z.number().int().default(1),
  intervalMs: z.number().int().min(1).default(1000).describe('the sensor reports once a second in continuous mode'),
  deviceId: z.number().int().min(0).max(0xffff).default(0x1234),
  ...faultOptionsShape,
};

/** Twin of an SDS011 in continuous mode: one data frame per interval, PM from the street model. */
export class Sds011Device extends PeriodicDevice<Sds011Reading> {
  private readonly model: AirQualityModel;

  constructor(
    options: PeriodicOptions & { deviceId: number },
    link: DeviceLink,
    clock: Clock,
  ) {
    super(options, link, clock, 2);
    this.model = new AirQualityModel(options.seed);
    this.deviceId = options.deviceId;
  }

  private readonly deviceId: number;

  protected sample(epochMs: number): Sds011Reading {
    const sample = this.model.sample(epochMs);
    // The sensor resolves 0.1 µg/m³ and saturates at 999.9.
    const resolve = (value: number) => Math.min(999.9, Math.round(value * 10) / 10);
    return { pm2_5: resolve(sample.pm2_5), pm10: resolve(sample.pm10), deviceId: this.deviceId };
  }

  protected render(values: Sds011Reading): Buffer {
    return encodeSds011(values);
  }
}

export const sds011Simulator: SimulatorDefinition<typeof sds011SimulatorShape> = {
  device: 'sds011',
  summary: 'Nova SDS011 particulate sensor: a data frame per second, rush-hour PM peaks, injectable faults',
  defaultBaud: 9600,
  optionsShape: sds011SimulatorShape,
  create: (options, link, clock) => new Sds011Device(options, link, clock),
  checkSensors: (_options, sensors) =>
    sensors.filter((sensor) => sensor.driver['type'] !== 'sds011').map((sensor) => ({ path: `${sensor.path}.driver.type`, message: 'the simulated SDS011 speaks sds011' })),
};
