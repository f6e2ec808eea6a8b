import { SeededRandom } from './random.js';

/** What a CO2 sensor in an occupied room sees. */
export interface RoomSample {
  /** ppm, before the sensor's rounding */
  readonly co2: number;
  readonly occupants: number;
  /** °C, warmed a little by the people in the room */
  readonly temperature: number;
}

export interface RoomOptions {
  /** People in the room at the busiest hour. */
  readonly capacity: number;
  readonly volumeM3: number;
  /** Air changes per hour while the ventilation runs (working hours); infiltration alone is about 0.3. */
  readonly airChangesPerHour: number;
  readonly outdoorPpm: number;
}

const HOUR_MS = 3_600_000;
/** CO2 breathed out by a seated adult doing office work: about 19 litres an hour. */
const CO2_PER_PERSON_M3_PER_HOUR = 0.019;
const NIGHT_AIR_CHANGES_PER_HOUR = 0.3;
/** How often, per hour, someone comes in or goes out. */
const MOVES_PER_HOUR = 12;

/**
 * CO2 in a well-mixed office room, by the single-zone mass balance used to size ventilation:
 * dC/dt = G·N/V − n·(C − C_out), with G the CO2 each person breathes out, N the people in the
 * room, V its volume and n its air changes per hour. Outside working hours (Monday to Friday,
 * 08:00–18:00 UTC, fewer people over lunch) the room empties and decays to the outdoor
 * baseline, about 420 ppm. Each step is integrated exactly, so the sampling rate does not
 * change the curve. Deterministic from its seed for a given sequence of sample times.
 */
export class OccupancyCo2Model {
  private readonly random: SeededRandom;
  private readonly options: RoomOptions;
  private co2: number;
  private occupants = 0;
  private lastMs: number | undefined;

  constructor(seed: number, options: Partial<RoomOptions> = {}) {
    this.random = new SeededRandom(seed);
    this.options = { capacity: 8, volumeM3: 75, airChangesPerHour: 1.5, outdoorPpm: 420, ...options };
    this.co2 = this.options.outdoorPpm;
  }

  sample(epochMs: number): RoomSample {
    const { volumeM3, outdoorPpm } = this.options;
    const last = this.lastMs;
    const first = last === undefined;
    const hours = last === undefined ? 0 : Math.max(0, epochMs - last) / HOUR_MS;
    this.lastMs = epochMs;
    const target = Math.round(this.options.capacity * presence(epochMs));
    if (first) this.occupants = target;
    else this.moveOccupants(target, hours);
    const airChanges = isWorkingTime(epochMs) ? this.options.airChangesPerHour : NIGHT_AIR_CHANGES_PER_HOUR;
    const equilibrium = outdoorPpm + (CO2_PER_PERSON_M3_PER_HOUR * this.occupants * 1e6) / (volumeM3 * airChanges);
    // A model started mid-morning starts from the room's steady state, not from an empty room.
    this.co2 = first ? equilibrium : equilibrium + (this.co2 - equilibrium) * Math.exp(-airChanges * hours);
    return {
      co2: Math.max(0, this.co2 + this.random.gaussian(0, 6)),
      occupants: this.occupants,
      temperature: 20.5 + 0.2 * this.occupants + this.random.gaussian(0, 0.1),
    };
  }

  /** People come and go one at a time, drifting towards the hour's expected head count. */
  private moveOccupants(target: number, hours: number): void {
    if (hours > 1) {
      this.occupants = target;
      return;
    }
    if (!this.random.chance(1 - Math.exp(-MOVES_PER_HOUR * hours))) return;
    const towards = Math.sign(target - this.occupants);
    let step: number;
    if (target === 0) step = -1; // after hours people only leave
    else if (towards !== 0 && this.random.chance(0.8)) step = towards;
    else step = this.random.chance(0.5) ? 1 : -1;
    this.occupants = Math.max(0, Math.min(this.options.capacity, this.occupants + step));
  }
}

function isWorkingTime(epochMs: number): boolean {
  const date = new Date(epochMs);
  const day = date.getUTCDay();
  const hour = date.getUTCHours();
  return day >= 1 && day <= 5 && hour >= 8 && hour < 18;
}

/** Share of the room's capacity present: arrivals from 08:00, a lunch dip, departures by 18:00. */
function presence(epochMs: number): number {
  if (!isWorkingTime(epochMs)) return 0;
  const hour = (epochMs % (24 * HOUR_MS)) / HOUR_MS;
  if (hour < 9) return hour - 8;
  if (hour >= 12 && hour < 13) return 0.4;
  if (hour >= 17) return 18 - hour;
  return 1;
}
