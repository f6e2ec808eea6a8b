/**
 * The satellites a receiver sees, for its GSA and GSV sentences: a fixed set per system
 * (drawn from the seed), drifting slowly across the sky, the highest ones used in the fix.
 * A function of the seed and the time only, so any epoch can be rendered on its own.
 */
import { SeededRandom } from '../models/random.js';

/** The satellite systems a talker stands for; GN is GPS with GLONASS, as u-blox M8 modules ship. */
export type GnssSystem = 'GP' | 'GL' | 'GA' | 'GB';
export type Talker = GnssSystem | 'GN';

export function systemsOf(talker: Talker): GnssSystem[] {
  return talker === 'GN' ? ['GP', 'GL'] : [talker];
}

/** One satellite as GSV lists it. */
export interface SatelliteInView {
  readonly system: GnssSystem;
  /** Satellite ID as NMEA numbers it: GPS 1-32, GLONASS 65-96, Galileo and BeiDou 1-36. */
  readonly id: number;
  /** Degrees above the horizon, 0-90. */
  readonly elevation: number;
  /** Degrees true, 0-359. */
  readonly azimuth: number;
  /** C/N0 in dBHz; undefined while the receiver does not track it (an empty GSV field). */
  readonly snr: number | undefined;
  readonly used: boolean;
}

const ID_RANGES: Record<GnssSystem, [first: number, count: number]> = { GP: [1, 32], GL: [65, 24], GA: [1, 36], GB: [1, 36] };
/** At most this many satellites of one system in view: three GSV sentences of four, which keeps a second's output well inside 9600 baud. */
const MAX_IN_VIEW = 12;
/** Satellites a real sky adds above those used: low ones, some not tracked. */
const EXTRA_IN_VIEW = 3;
/** A satellite crosses the sky in about six hours: a few hundredths of a degree a second. */
const DRIFT_DEG_PER_S = 0.008;

/**
 * The sky at `epochMs` for the systems of `talker`, with `used` satellites in the fix split
 * between them (the first system takes the larger share).
 */
export function skyAt(seed: number, epochMs: number, talker: Talker, used: number): SatelliteInView[] {
  const systems = systemsOf(talker);
  const seconds = epochMs / 1000;
  return systems.flatMap((system, index) => {
    const share = index === 0 ? Math.ceil(used / systems.length) : Math.floor(used / systems.length);
    const usedHere = Math.min(MAX_IN_VIEW, share);
    const inView = Math.min(MAX_IN_VIEW, usedHere + EXTRA_IN_VIEW);
    const random = new SeededRandom(seed * 31 + index + 1);
    const [first, count] = ID_RANGES[system];
    const ids = pickIds(random, first, count, inView);
    const satellites = ids.map((id) => {
      const phase = random.next() * Math.PI;
      // Squared, so most of the sky is low, as it is: few satellites stand near the zenith.
      const elevation = Math.round(5 + 80 * Math.sin(phase + seconds * DRIFT_DEG_PER_S * (Math.PI / 180)) ** 2);
      const azimuth = Math.round(random.next() * 360 + seconds * DRIFT_DEG_PER_S) % 360;
      return { system, id, elevation, azimuth };
    });
    const byElevation = [...satellites].sort((a, b) => b.elevation - a.elevation || a.id - b.id);
    const usedIds = new Set(byElevation.slice(0, usedHere).map((satellite) => satellite.id));
    return satellites
      .map((satellite, order) => {
        const isUsed = usedIds.has(satellite.id);
        // Used satellites are tracked strongly; of the others, every third is not tracked at all.
        const snr = isUsed ? 30 + Math.round(satellite.elevation / 5) : order % 3 === 2 ? undefined : 12 + Math.round(satellite.elevation / 10);
        return { ...satellite, snr, used: isUsed };
      })
      .sort((a, b) => a.id - b.id);
  });
}

function pickIds(random: SeededRandom, first: number, count: number, wanted: number): number[] {
  const pool = Array.from({ length: count }, (_, index) => first + index);
  for (let index = pool.length - 1; index > 0; index--) {
    const other = Math.floor(random.next() * (index + 1));
    [pool[index], pool[other]] = [pool[other]!, pool[index]!];
  }
  return pool.slice(0, wanted);
}
