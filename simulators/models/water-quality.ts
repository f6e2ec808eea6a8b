import { SeededRandom } from './random.js';

/** What a multiparameter probe in a river reads. */
export interface RiverSample {
  /** Stage above the gauge datum, m */
  readonly level: number;
  /** Water temperature, °C */
  readonly temperature: number;
  /** Specific conductance, µS/cm */
  readonly conductivity: number;
  /** The station's solar-charged battery, V */
  readonly battery: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Storms reach the river this often on average. */
const HOURS_BETWEEN_STORMS = 60;
/** Rain runs off into the river over a few hours... */
const RUNOFF_HOURS = 3;
/** ...and the flood wave recedes over about a day. */
const RECESSION_HOURS = 18;

/**
 * A small river at a gauging station: a base stage with storms that raise it (rain arriving
 * over a few hours, receding over a day), water temperature following the season and, a few
 * hours late, the day; conductivity falling as rain dilutes the base flow, and a
 * solar-charged battery. Deterministic from its seed for a given sequence of sample times.
 */
export class WaterQualityModel {
  private readonly random: SeededRandom;
  private rainToCome = 0;
  private flood = 0;
  private lastMs: number | undefined;

  constructor(
    seed: number,
    private readonly baseLevel = 0.85,
    private readonly baseConductivity = 520,
  ) {
    this.random = new SeededRandom(seed);
  }

  sample(epochMs: number): RiverSample {
    const hours = this.lastMs === undefined ? 0 : Math.max(0, epochMs - this.lastMs) / HOUR_MS;
    this.lastMs = epochMs;
    if (this.random.chance(1 - Math.exp(-hours / HOURS_BETWEEN_STORMS))) this.rainToCome += 0.2 + this.random.next() * 1.3;
    const arriving = this.rainToCome * (1 - Math.exp(-hours / RUNOFF_HOURS));
    this.rainToCome -= arriving;
    this.flood = this.flood * Math.exp(-hours / RECESSION_HOURS) + arriving;
    const level = this.baseLevel + this.flood + this.random.gaussian(0, 0.002);
    const hourOfDay = (((epochMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
    const dayOfYear = (epochMs / DAY_MS) % 365.25;
    const seasonal = 11 - 7 * Math.cos((2 * Math.PI * (dayOfYear - 20)) / 365.25);
    const diurnal = 0.8 * Math.cos((2 * Math.PI * (hourOfDay - 17)) / 24);
    const daylight = Math.max(0, Math.sin((Math.PI * (hourOfDay - 6)) / 12));
    return {
      level: Math.max(0, level),
      temperature: seasonal + diurnal + this.random.gaussian(0, 0.02),
      conductivity: Math.max(20, this.baseConductivity * (this.baseLevel / (this.baseLevel + this.flood)) ** 0.8 + this.random.gaussian(0, 2)),
      battery: 12.4 + 1.2 * daylight + this.random.gaussian(0, 0.01),
    };
  }
}
