import { SeededRandom } from './random.js';

/** The river's character: its seed, its level between storms and how often it storms. */
export interface WaterLevelModelOptions {
  readonly seed: number;
  /** Level between storms (baseflow), metres above the datum. */
  readonly baseLevelM?: number;
  /** Mean time between storms, hours; the first starts within a few hours of the first sample. */
  readonly meanStormIntervalH?: number;
}

/** One storm's flood wave: when it starts, how high it lifts the river and how fast it rises. */
interface Storm {
  readonly startMs: number;
  readonly peakRiseM: number;
  readonly timeToPeakMs: number;
}

const HOUR_MS = 3_600_000;
/** Steepness of the flood wave: a higher power rises faster and recedes slower relative to its peak. */
const WAVE_POWER = 3;
/** A storm's wave is below a millimetre after this many times its time to peak. */
const WAVE_SPAN = 12;

/**
 * A river at a gauging point: a steady baseflow, and storms that come at random intervals,
 * each lifting the river in a flood wave that rises over a few hours to its peak and falls
 * back over the following day (a gamma-shaped hydrograph). Overlapping storms add up.
 * Deterministic from its seed: the storms are drawn in time order as the clock reaches them.
 */
export class WaterLevelModel {
  private readonly random: SeededRandom;
  private readonly baseLevelM: number;
  private readonly meanStormIntervalMs: number;
  private readonly storms: Storm[] = [];
  private nextStormMs: number | undefined;

  constructor(options: WaterLevelModelOptions) {
    this.random = new SeededRandom(options.seed);
    this.baseLevelM = options.baseLevelM ?? 0.6;
    this.meanStormIntervalMs = (options.meanStormIntervalH ?? 48) * HOUR_MS;
  }

  /** The true water level at `epochMs`, metres above the datum (no sensor noise). */
  levelAt(epochMs: number): number {
    this.nextStormMs ??= epochMs + (0.5 + 2.5 * this.random.next()) * HOUR_MS;
    while (this.nextStormMs <= epochMs) {
      this.storms.push({
        startMs: this.nextStormMs,
        peakRiseM: 0.4 + 1.8 * this.random.next(),
        timeToPeakMs: (2 + 4 * this.random.next()) * HOUR_MS,
      });
      // Exponential gaps, at least six hours: storms cluster, but a river needs time to respond.
      this.nextStormMs += Math.max(6 * HOUR_MS, -Math.log(1 - this.random.next()) * this.meanStormIntervalMs);
    }
    let level = this.baseLevelM;
    for (const storm of this.storms) level += storm.peakRiseM * floodWave((epochMs - storm.startMs) / storm.timeToPeakMs);
    // Forget storms whose wave has passed, so a long run keeps a bounded list.
    while (this.storms.length > 0 && epochMs - this.storms[0]!.startMs > WAVE_SPAN * this.storms[0]!.timeToPeakMs) this.storms.shift();
    return level;
  }
}

/** Rise relative to the storm's peak at `t` times its time to peak: 0 before it starts, 1 at the peak, then a slow recession. */
function floodWave(t: number): number {
  if (t <= 0) return 0;
  return (t * Math.exp(1 - t)) ** WAVE_POWER;
}
