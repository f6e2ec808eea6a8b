/**
 * Twin of a Nova Fitness SDS011 in continuous mode. Its data frame, from the "Laser Dust
 * Sensor Control Protocol V1.3" (9600 8N1; § data packet, sent once a second):
 *
 *   AA C0 PM25_low PM25_high PM10_low PM10_high ID_byte1 ID_byte2 checksum AB
 *
 * PM2.5 = (PM25_high × 256 + PM25_low) / 10 µg/m³, likewise PM10; the checksum is the low
 * byte of the sum of the six data bytes. The protocol's example: sensor A160 reporting
 * 123.6 and 261.8 µg/m³ sends `AA C0 D4 04 3A 0A A1 60 1D AB`.
 */
import { z } from 'zod';
import type { Clock, DeviceLink, TwinDefinition } from '../../src/index.js';
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

/** What one data frame carries: PM in µg/m³ at 0.1 resolution, and the sensor's id. */
export interface Sds011Values {
  readonly pm2_5: number;
  readonly pm10: number;
  readonly deviceId: number;
}

/** Bytes of a data frame: head, command, six data bytes, checksum, tail. */
export const SDS011_DATA_FRAME_BYTES = 10;

/** The protocol's checksum: the low byte of the sum of data bytes 1–6 (frame bytes 2–7). */
export function sds011DataChecksum(frame: Uint8Array): number {
  let sum = 0;
  for (let index = 2; index <= 7; index++) sum += frame[index]!;
  return sum % 256;
}

/** The data frame a sensor sends for these values (PM in tenths, low byte first; id as printed, high byte first). */
export function sds011DataFrame(values: Sds011Values): Buffer {
  const tenths = (value: number) => Math.max(0, Math.min(0xffff, Math.round(value * 10)));
  const pm25 = tenths(values.pm2_5);
  const pm10 = tenths(values.pm10);
  const frame = Buffer.from([0xaa, 0xc0, pm25 & 0xff, pm25 >> 8, pm10 & 0xff, pm10 >> 8, (values.deviceId >> 8) & 0xff, values.deviceId & 0xff, 0, 0xab]);
  frame[8] = sds011DataChecksum(frame);
  return frame;
}

/** Twin of an SDS011 in continuous mode: one data frame per interval, PM from the street model. */
export class Sds011Device extends PeriodicDevice<Sds011Values> {
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

  protected sample(epochMs: number): Sds011Values {
    const sample = this.model.sample(epochMs);
    // The sensor resolves 0.1 µg/m³ and saturates at 999.9.
    const resolve = (value: number) => Math.min(999.9, Math.round(value * 10) / 10);
    return { pm2_5: resolve(sample.pm2_5), pm10: resolve(sample.pm10), deviceId: this.deviceId };
  }

  protected render(values: Sds011Values): Buffer {
    return sds011DataFrame(values);
  }
}

export const sds011Simulator: TwinDefinition<typeof sds011SimulatorShape> = {
  device: 'sds011',
  summary: 'Nova SDS011 particulate sensor: a data frame per second, rush-hour PM peaks, injectable faults',
  defaultBaud: 9600,
  optionsShape: sds011SimulatorShape,
  create: (options, link, clock) => new Sds011Device(options, link, clock),
  readBy: ['sds011'],
};
