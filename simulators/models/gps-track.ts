import { SeededRandom } from './random.js';

/** Where a GPS receiver is and what it sees, at one fix epoch. */
export interface GpsTrackSample {
  /** False while the sky is hidden (a tunnel, a container stack): no position is reported. */
  readonly fix: boolean;
  /** Degrees, north positive (the true position, also while the fix is lost). */
  readonly latitude: number;
  /** Degrees, east positive. */
  readonly longitude: number;
  /** Metres above mean sea level. */
  readonly altitude: number;
  /** Geoid height above the WGS-84 ellipsoid, metres (about 40 m around the North Sea). */
  readonly geoidSeparation: number;
  /** Speed over ground, m/s. */
  readonly speed: number;
  /** Course over ground, degrees true, [0, 360). */
  readonly course: number;
  /** Satellites used in the fix: 6-12 with a fix, 0-3 without. */
  readonly satellites: number;
  /** Horizontal dilution of precision: lower with more satellites. */
  readonly hdop: number;
}

/** Where the vehicle starts and how often it loses the sky; the seed replays the same drive. */
export interface GpsTrackOptions {
  readonly seed: number;
  readonly startLatitude?: number;
  readonly startLongitude?: number;
  /** Chance per second that the fix is lost for a while (0 disables outages). */
  readonly fixLossRate?: number;
}

const EARTH_RADIUS_M = 6_371_000;
const DEGREE = Math.PI / 180;
const MAX_ACCELERATION = 1.5;

/**
 * A service vehicle driving around a port: it cruises at 5-15 m/s, stops now and then,
 * turns at junctions and wanders slightly in between, on roads a few metres above sea level.
 * Satellites in use drift between 6 and 12 (HDOP follows), and now and then the fix is lost
 * for 3-20 s, as under a crane or in an underpass. Deterministic from its seed.
 */
export class GpsTrackModel {
  private readonly random: SeededRandom;
  private readonly fixLossRate: number;
  private latitude: number;
  private longitude: number;
  private speed = 0;
  private targetSpeed = 10;
  private course: number;
  private roadAltitude = 8;
  private satellites = 9;
  private outageSeconds = 0;
  private lastTime: number | undefined;

  constructor(options: GpsTrackOptions) {
    this.random = new SeededRandom(options.seed);
    this.latitude = options.startLatitude ?? 53.5405;
    this.longitude = options.startLongitude ?? 9.9351;
    this.fixLossRate = options.fixLossRate ?? 0.005;
    this.course = this.random.next() * 360;
  }

  /** Advances the vehicle to `epochMs` and returns what a receiver on it reports there. */
  sample(epochMs: number): GpsTrackSample {
    const seconds = this.lastTime === undefined ? 0 : Math.max(0, epochMs - this.lastTime) / 1000;
    this.lastTime = epochMs;
    this.drive(seconds);
    this.updateSky(seconds);
    const fix = this.outageSeconds <= 0;
    const satellites = fix ? this.satellites : Math.min(3, Math.floor(this.random.next() * 4));
    return {
      fix,
      latitude: this.latitude,
      longitude: this.longitude,
      altitude: this.roadAltitude + this.random.gaussian(0, 0.8),
      geoidSeparation: 40.1,
      speed: this.speed,
      course: this.course,
      satellites,
      hdop: fix ? Math.max(0.5, 0.3 + 6 / satellites + this.random.gaussian(0, 0.05)) : 99.99,
    };
  }

  private drive(seconds: number): void {
    if (seconds === 0) return;
    if (this.random.chance(0.02 * seconds)) this.targetSpeed = this.random.chance(0.25) ? 0 : 5 + this.random.next() * 10;
    const change = Math.max(-MAX_ACCELERATION * seconds, Math.min(MAX_ACCELERATION * seconds, this.targetSpeed - this.speed));
    this.speed = Math.max(0, this.speed + change);
    if (this.speed > 0.5) {
      const turn = this.random.chance(0.01 * seconds) ? (this.random.chance(0.5) ? 90 : -90) : this.random.gaussian(0, 2) * Math.sqrt(seconds);
      this.course = (((this.course + turn) % 360) + 360) % 360;
    }
    const distance = this.speed * seconds;
    this.latitude += ((distance * Math.cos(this.course * DEGREE)) / EARTH_RADIUS_M) / DEGREE;
    this.longitude += ((distance * Math.sin(this.course * DEGREE)) / (EARTH_RADIUS_M * Math.cos(this.latitude * DEGREE))) / DEGREE;
    this.longitude = ((((this.longitude + 180) % 360) + 360) % 360) - 180;
    this.roadAltitude = Math.max(2, Math.min(25, this.roadAltitude + this.random.gaussian(0, 0.05) * distance ** 0.5));
  }

  private updateSky(seconds: number): void {
    if (this.outageSeconds > 0) this.outageSeconds -= seconds;
    else if (seconds > 0 && this.random.chance(this.fixLossRate * seconds)) this.outageSeconds = 3 + Math.floor(this.random.next() * 18);
    if (this.random.chance(0.05 * seconds)) this.satellites = Math.max(6, Math.min(12, this.satellites + (this.random.chance(0.5) ? 1 : -1)));
  }
}
