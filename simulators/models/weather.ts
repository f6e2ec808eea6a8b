import { roundTo, SeededRandom } from './random.js';

/** One observation of the weather model, at the resolution a hobby weather station prints. */
export interface WeatherSample {
  /** Air temperature in °C, 2 decimals (a BME280 resolves 0.01 °C). */
  readonly temperature: number;
  /** Relative humidity in %, 1 decimal. */
  readonly humidity: number;
  /** Station pressure in Pa, whole pascals. */
  readonly pressure: number;
  /** Rain since power-on in mm, counted in 0.2 mm tipping-bucket tips. */
  readonly rain: number;
}

export interface WeatherModelOptions {
  readonly seed: number;
  /** Daily mean temperature, °C. */
  readonly meanTemperature?: number;
  /** Half the daily swing, °C. */
  readonly diurnalAmplitude?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BUCKET_MM = 0.2;
const SEA_LEVEL_PA = 101_325;

/**
 * A plausible, deterministic outdoor climate: temperature follows the sun (coldest near
 * dawn, warmest mid-afternoon) with sensor noise, humidity falls as the air warms, pressure
 * wanders slowly, and showers come and go, tipping the bucket while they last.
 */
export class WeatherModel {
  private readonly random: SeededRandom;
  private readonly meanTemperature: number;
  private readonly amplitude: number;
  private pressure = SEA_LEVEL_PA;
  private raining = false;
  private tips = 0;
  private rainRateMmPerHour = 0;
  private lastTime: number | undefined;
  private bucketFill = 0;

  constructor(options: WeatherModelOptions) {
    this.random = new SeededRandom(options.seed);
    this.meanTemperature = options.meanTemperature ?? 12;
    this.amplitude = options.diurnalAmplitude ?? 6;
  }

  /** Advances the model to `epochMs` and returns what the sensors read there. */
  sample(epochMs: number): WeatherSample {
    const elapsedMs = this.lastTime === undefined ? 0 : Math.max(0, epochMs - this.lastTime);
    this.lastTime = epochMs;
    this.advanceRain(elapsedMs);
    this.pressure += this.random.gaussian(0, 1.5) + (SEA_LEVEL_PA - this.pressure) * 0.001;
    const hourOfDay = (((epochMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
    const temperature = this.meanTemperature + this.amplitude * diurnalShape(hourOfDay) + this.random.gaussian(0, 0.05);
    const humidity = Math.min(100, Math.max(5, 75 - 2.5 * (temperature - this.meanTemperature) + (this.raining ? 15 : 0) + this.random.gaussian(0, 0.3)));
    return {
      temperature: roundTo(temperature, 2),
      humidity: roundTo(humidity, 1),
      pressure: Math.round(this.pressure),
      rain: roundTo(this.tips * BUCKET_MM, 1),
    };
  }

  private advanceRain(elapsedMs: number): void {
    const hours = elapsedMs / HOUR_MS;
    // Showers start about once a day and last about an hour.
    if (!this.raining && this.random.chance(hours / 24)) {
      this.raining = true;
      this.rainRateMmPerHour = 1 + this.random.next() * 9;
    } else if (this.raining && this.random.chance(hours)) {
      this.raining = false;
    }
    if (!this.raining) return;
    this.bucketFill += this.rainRateMmPerHour * hours;
    while (this.bucketFill >= BUCKET_MM) {
      this.bucketFill -= BUCKET_MM;
      this.tips += 1;
    }
  }
}

/**
 * The daily temperature curve, from -1 to 1: coldest at dawn (06:00 solar time), warming
 * for nine hours to the peak at 15:00, then cooling for fifteen hours until the next dawn.
 */
export function diurnalShape(hourOfDay: number): number {
  const sinceDawn = (((hourOfDay - 6) % 24) + 24) % 24;
  if (sinceDawn <= 9) return -Math.cos((Math.PI * sinceDawn) / 9);
  return Math.cos((Math.PI * (sinceDawn - 9)) / 15);
}
