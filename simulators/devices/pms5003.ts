/**
 * Twin of a Plantower PMS5003 in active mode. Its frame, from the "PMS5003 series data
 * manual" (appendix I, transport protocol, active mode, 9600 8N1):
 *
 *   42 4D  frame length (2 bytes)  data 1 … data 13 (2 bytes each)  check code (2 bytes)
 *
 * Every 2-byte field is high byte first. The frame length counts the data and the check
 * code: 2 × 13 + 2 = 28. The check code is the sum of every byte before it, start
 * characters included. Data 1–3: PM1.0, PM2.5, PM10 in µg/m³ with CF=1 (standard
 * particle); data 4–6: the same under atmospheric environment; data 7–12: particles beyond
 * 0.3, 0.5, 1.0, 2.5, 5.0 and 10 µm in 0.1 L of air; data 13 reserved.
 */
import { z } from 'zod';
import type { Clock, DeviceLink, TwinDefinition } from '../../src/index.js';
import { faultOptionsShape } from '../faults.js';
import { AirQualityModel, type ParticulateSample } from '../models/air-quality.js';
import { SeededRandom } from '../models/random.js';
import { PeriodicDevice, type PeriodicOptions } from './periodic.js';

/** Options of the simulated PMS5003 (`boards[].simulator` with `device: pms5003`). */
export const pms5003SimulatorShape = {
  seed: z.number().int().default(1),
  intervalMs: z
    .number()
    .int()
    .min(1)
    .default(1000)
    .describe('the real sensor sends every 2.3 s while the air is steady and every 200–800 ms while it changes; the twin keeps one steady rate'),
  ...faultOptionsShape,
};

/** The data words of a frame, in the manual's order (data 1–12), then the reserved data 13. */
export const pms5003DataWords = [
  'pm1_0_cf1',
  'pm2_5_cf1',
  'pm10_cf1',
  'pm1_0',
  'pm2_5',
  'pm10',
  'particles_0_3um',
  'particles_0_5um',
  'particles_1_0um',
  'particles_2_5um',
  'particles_5_0um',
  'particles_10um',
  'reserved',
] as const;

/** One frame's contents: mass concentrations in whole µg/m³, counts per 0.1 L, the reserved word. */
export type Pms5003Values = Readonly<Record<(typeof pms5003DataWords)[number], number>>;

/** Bytes of a frame: start characters, length, 13 data words, check code. */
export const PMS5003_FRAME_BYTES = 32;

/** The manual's check code: the sum of bytes 0–29 (start characters to data 13), in 16 bits. */
export function pms5003CheckCode(frame: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < PMS5003_FRAME_BYTES - 2; index++) sum += frame[index]!;
  return sum % 0x10000;
}

/** The frame a sensor in active mode sends for these values. */
export function pms5003Frame(values: Pms5003Values): Buffer {
  const frame = Buffer.alloc(PMS5003_FRAME_BYTES);
  const put = (at: number, word: number) => {
    frame[at] = (word >> 8) & 0xff;
    frame[at + 1] = word & 0xff;
  };
  frame[0] = 0x42;
  frame[1] = 0x4d;
  put(2, 2 * pms5003DataWords.length + 2);
  pms5003DataWords.forEach((word, index) => put(4 + 2 * index, values[word]));
  put(30, pms5003CheckCode(frame));
  return frame;
}

/** Header and length field: a `bad-checksum` fault spares them, so the frame is still found and fails its check. */
const HEADER_AND_LENGTH = 4;
/** Above this, CF=1 readings run higher than the atmospheric ones (the sensor's two calibrations part ways). */
const CF1_KNEE = 30;
const UINT16_MAX = 0xffff;

/** Twin of a PMS5003 in active mode: one 32-byte frame per interval, PM from the street model. */
export class Pms5003Device extends PeriodicDevice<Pms5003Values> {
  private readonly model: AirQualityModel;
  private readonly countNoise: SeededRandom;

  constructor(options: PeriodicOptions, link: DeviceLink, clock: Clock) {
    super(options, link, clock, HEADER_AND_LENGTH);
    this.model = new AirQualityModel(options.seed);
    this.countNoise = new SeededRandom(options.seed ^ 0x9a55);
  }

  protected sample(epochMs: number): Pms5003Values {
    return particulateReading(this.model.sample(epochMs), () => 1 + this.countNoise.gaussian(0, 0.05));
  }

  protected render(values: Pms5003Values): Buffer {
    return pms5003Frame(values);
  }
}

/**
 * What a PMS5003 reports for ambient particulate matter: whole µg/m³ under atmospheric
 * environment; CF=1 values equal to them in clean air and higher above the knee; particle
 * counts per 0.1 L in the proportions of urban traffic aerosol (many fine particles, few
 * coarse ones), never increasing with diameter, as cumulative counts must.
 */
export function particulateReading(sample: ParticulateSample, jitter: () => number = () => 1): Pms5003Values {
  const whole = (value: number) => Math.min(UINT16_MAX, Math.max(0, Math.round(value)));
  const pm1_0 = whole(sample.pm1_0);
  const pm2_5 = whole(Math.max(sample.pm2_5, pm1_0));
  const pm10 = whole(Math.max(sample.pm10, pm2_5));
  const cf1 = (atmospheric: number) => whole(atmospheric <= CF1_KNEE ? atmospheric : CF1_KNEE + (atmospheric - CF1_KNEE) * 1.5);
  const fine = pm1_0;
  const intermediate = pm2_5 - pm1_0;
  const coarse = pm10 - pm2_5;
  const beyond0_3 = whole((160 * fine + 40 * intermediate + 5 * coarse) * jitter());
  const beyond0_5 = Math.min(beyond0_3, whole((48 * fine + 25 * intermediate + 4 * coarse) * jitter()));
  const beyond1_0 = Math.min(beyond0_5, whole((6 * fine + 10 * intermediate + 3 * coarse) * jitter()));
  const beyond2_5 = Math.min(beyond1_0, whole(1.6 * coarse * jitter()));
  const beyond5_0 = Math.min(beyond2_5, whole(0.5 * coarse * jitter()));
  const beyond10 = Math.min(beyond5_0, whole(0.15 * coarse * jitter()));
  return {
    pm1_0_cf1: cf1(pm1_0),
    pm2_5_cf1: cf1(pm2_5),
    pm10_cf1: cf1(pm10),
    pm1_0,
    pm2_5,
    pm10,
    particles_0_3um: beyond0_3,
    particles_0_5um: beyond0_5,
    particles_1_0um: beyond1_0,
    particles_2_5um: beyond2_5,
    particles_5_0um: beyond5_0,
    particles_10um: beyond10,
    reserved: 0,
  };
}

/** The PMS5003 twin as the simulator registry offers it. */
export const pms5003Simulator: TwinDefinition<typeof pms5003SimulatorShape> = {
  device: 'pms5003',
  summary: 'Plantower PMS5003 particulate sensor: a 32-byte frame per second, rush-hour PM peaks, particle counts, injectable faults',
  defaultBaud: 9600,
  optionsShape: pms5003SimulatorShape,
  create: (options, link, clock) => new Pms5003Device(options, link, clock),
  readBy: ['pms5003'],
};
