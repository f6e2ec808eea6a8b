/**
 * Seeded physical models behind the simulated Pi's files: where a DS18B20 sits (a river, a
 * sun-heated enclosure) and how the gateway itself behaves (load, CPU heat, memory, disk).
 * Deterministic from the seed when sampled at the same times.
 */
import { SeededRandom } from '../models/random.js';

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.25;

/** Where a simulated DS18B20 measures. */
export type Ds18b20Site = 'river' | 'enclosure';

/** Fraction of the year since 1 January, and hour of day (UTC, standing in for local solar time). */
function calendar(epochMs: number): { yearFraction: number; hour: number; day: number } {
  const day = Math.floor(epochMs / DAY_MS);
  const start = new Date(epochMs);
  const yearStart = Date.UTC(start.getUTCFullYear(), 0, 1);
  return { yearFraction: (epochMs - yearStart) / DAY_MS / YEAR_DAYS, hour: (epochMs % DAY_MS) / 3_600_000, day };
}

/** A number in [0, 1) fixed by seed and day, so a day's cloud cover does not depend on sampling order. */
function dailyDraw(seed: number, day: number): number {
  return new SeededRandom((seed * 2_654_435_761) ^ day).next();
}

/**
 * Temperature at a DS18B20's site. A river follows the season with a small afternoon swing
 * (water is slow); an enclosure follows the air, plus the sun on its lid on clear days.
 */
export class SiteTemperatureModel {
  private readonly random: SeededRandom;
  private drift = 0;

  constructor(
    private readonly seed: number,
    readonly site: Ds18b20Site,
  ) {
    this.random = new SeededRandom(seed);
  }

  /** °C at `epochMs`, with a little slow drift (turbulence, gusts). */
  celsiusAt(epochMs: number): number {
    this.drift = 0.98 * this.drift + this.random.gaussian(0, 0.02);
    return (this.site === 'river' ? riverCelsius(epochMs) : enclosureCelsius(this.seed, epochMs)) + this.drift;
  }
}

function riverCelsius(epochMs: number): number {
  const { yearFraction, hour } = calendar(epochMs);
  const seasonal = 11 + 7 * Math.cos(2 * Math.PI * (yearFraction - 0.55));
  return seasonal + 0.6 * Math.cos((2 * Math.PI * (hour - 17)) / 24);
}

/** Air around the gateway box: season, day and night. */
export function airCelsius(epochMs: number): number {
  const { yearFraction, hour } = calendar(epochMs);
  return 10 + 9 * Math.cos(2 * Math.PI * (yearFraction - 0.55)) + 5 * Math.cos((2 * Math.PI * (hour - 15)) / 24);
}

function enclosureCelsius(seed: number, epochMs: number): number {
  const { hour, day } = calendar(epochMs);
  const clearSky = 1 - dailyDraw(seed, day);
  const sun = Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12));
  // The electronics inside keep the box a few degrees above the air.
  return airCelsius(epochMs) + 3 + 12 * clearSky * sun;
}

/** What the gateway model says at one moment: the values its files show. */
export interface GatewayState {
  readonly cpuCelsius: number;
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  readonly runnable: number;
  readonly processes: number;
  readonly lastPid: number;
  readonly memoryTotalKiB: number;
  readonly memoryAvailableKiB: number;
  readonly memoryFreeKiB: number;
  readonly uptimeSeconds: number;
  readonly idleSeconds: number;
  readonly diskTotalBytes: number;
  readonly diskFreeBytes: number;
}

/** A 4 GB Pi 4 as the kernel reports it (some memory goes to the GPU and the kernel itself). */
const MEMORY_TOTAL_KIB = 3_884_376;
const DISK_TOTAL_BYTES = 31_090_814_976;
const CORES = 4;

/**
 * The gateway itself: bursts of work (a backlog drain, a log rotation) over a light base
 * load; load averages as the kernel computes them (exponential decay over 1, 5, 15 min); a
 * CPU that heats toward a temperature set by the air and its load; memory that wanders; a
 * disk that slowly fills.
 */
export class GatewayModel {
  private readonly random: SeededRandom;
  private lastMs: number | undefined;
  private burstLeftMs = 0;
  private burstDemand = 0;
  private cpu: number | undefined;
  private loads = [0.25, 0.25, 0.25];
  private available = 0.7;
  private diskFree = 0.62 * DISK_TOTAL_BYTES;
  private lastPid = 1200;
  private readonly bootMs: number;

  constructor(seed: number, startMs: number) {
    this.random = new SeededRandom(seed ^ 0x6a7e);
    this.bootMs = startMs - (3600 + Math.floor(this.random.next() * 86_400)) * 1000;
  }

  /** Advances the model to `epochMs` and returns what the files show then. */
  stateAt(epochMs: number): GatewayState {
    const dtMs = this.lastMs === undefined ? 5000 : Math.max(0, epochMs - this.lastMs);
    this.lastMs = epochMs;
    if (this.burstLeftMs <= 0 && this.random.chance(Math.min(1, dtMs / 600_000))) {
      this.burstLeftMs = (20 + 100 * this.random.next()) * 1000;
      this.burstDemand = 1.5 + 2 * this.random.next();
    }
    const demand = Math.max(0, 0.25 + this.random.gaussian(0, 0.1) + (this.burstLeftMs > 0 ? this.burstDemand : 0));
    this.burstLeftMs -= dtMs;
    this.loads = this.loads.map((load, index) => {
      const decay = Math.exp(-dtMs / ([60_000, 300_000, 900_000][index] ?? 60_000));
      return load * decay + demand * (1 - decay);
    });
    const target = airCelsius(epochMs) + 3 + 14 + 18 * Math.min(1, demand / CORES);
    this.cpu = this.cpu === undefined ? target : this.cpu + (target - this.cpu) * (1 - Math.exp(-dtMs / 40_000));
    this.available = Math.min(0.85, Math.max(0.55, this.available + this.random.gaussian(0, 0.004)));
    this.diskFree = Math.max(0, this.diskFree - (dtMs / 1000) * 4096 * this.random.next());
    this.lastPid += Math.floor(this.random.next() * 3);
    const uptimeSeconds = (epochMs - this.bootMs) / 1000;
    const available = Math.round(MEMORY_TOTAL_KIB * this.available);
    return {
      cpuCelsius: this.cpu,
      load1: this.loads[0]!,
      load5: this.loads[1]!,
      load15: this.loads[2]!,
      runnable: Math.max(1, Math.round(demand)),
      processes: 180 + Math.floor(this.random.next() * 10),
      lastPid: this.lastPid,
      memoryTotalKiB: MEMORY_TOTAL_KIB,
      memoryAvailableKiB: available,
      memoryFreeKiB: Math.round(available * 0.6),
      uptimeSeconds,
      idleSeconds: uptimeSeconds * CORES * 0.93,
      diskTotalBytes: DISK_TOTAL_BYTES,
      diskFreeBytes: Math.round(this.diskFree),
    };
  }
}
