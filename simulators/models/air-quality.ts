import { SeededRandom } from './random.js';

/** Particulate matter at a street-side station, in µg/m³. */
export interface ParticulateSample {
  readonly pm1_0: number;
  readonly pm2_5: number;
  readonly pm10: number;
}

const HOUR_MS = 3_600_000;

/**
 * Urban particulate matter: a background level, peaks in the morning and evening rush hours,
 * slow weather-driven drift and sensor noise. PM1 and PM10 follow PM2.5 in the ratios
 * typical of traffic aerosol. Deterministic from its seed.
 */
export class AirQualityModel {
  private readonly random: SeededRandom;
  private drift = 0;

  constructor(
    seed: number,
    private readonly background = 8,
  ) {
    this.random = new SeededRandom(seed);
  }

  sample(epochMs: number): ParticulateSample {
    const hour = (((epochMs % (24 * HOUR_MS)) + 24 * HOUR_MS) % (24 * HOUR_MS)) / HOUR_MS;
    const rush = 18 * bump(hour, 8, 1.2) + 14 * bump(hour, 18, 1.5);
    this.drift = Math.max(-this.background * 0.8, this.drift * 0.999 + this.random.gaussian(0, 0.2));
    const pm2_5 = Math.max(0, this.background + rush + this.drift + this.random.gaussian(0, 0.8));
    return {
      pm1_0: Math.max(0, pm2_5 * 0.7 + this.random.gaussian(0, 0.2)),
      pm2_5,
      pm10: pm2_5 * 1.5 + Math.abs(this.random.gaussian(0, 1)),
    };
  }
}

/** A bell around `centre` (hours) of the given width, 1 at its peak. */
function bump(hour: number, centre: number, width: number): number {
  return Math.exp(-((hour - centre) ** 2) / (2 * width * width));
}
