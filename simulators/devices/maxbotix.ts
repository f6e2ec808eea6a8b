/**
 * Twin of a MaxBotix HRXL-MaxSonar-WR over a river. Its serial output, from the HRXL-MaxSonar-WR
 * datasheet (and the HRLV/LV-MaxSonar ones, which share it; pin 5, 9600 8N1, free run):
 *
 *   R d d d d CR      e.g. `R1234` + 0x0D: a target 1234 mm away
 *
 * An ASCII capital R, four ASCII digits of range in millimetres, a carriage return and no
 * line feed; there is no checksum. 5-metre models print 300 for closer targets and 5000 when
 * nothing echoes (10-metre models: 500 and 9999).
 */
import { z } from 'zod';
import type { Clock, DescribedDevice, DeviceLink, TwinDefinition } from '../../src/index.js';
import { faultOptionsShape } from '../faults.js';
import { SeededRandom } from '../models/random.js';
import { WaterLevelModel } from '../models/water-level.js';
import { numberOption, type DeviceProblem } from './device-rules.js';
import { PeriodicDevice, type PeriodicOptions } from './periodic.js';

/** Where the twin hangs unless told: 4 m above the river bed. */
const DEFAULT_MOUNT_HEIGHT_MM = 4000;

/** Options of the simulated MaxSonar (`boards[].simulator` with `device: maxbotix`). */
export const maxbotixSimulatorShape = {
  seed: z.number().int().default(1).describe('seed of the river and of the sensor noise; the same seed replays the same storms'),
  intervalMs: z.number().int().min(1).default(150).describe('free-run reading interval: 150 ms is the 6.67 Hz of the MB7369/MB7389 water-tank models (others run at 6–7.5 Hz)'),
  mountHeightMm: z.number().int().min(1).default(DEFAULT_MOUNT_HEIGHT_MM).describe('height of the sensor face above the level datum (the river bed), in mm'),
  baseLevelM: z.number().min(0).default(0.6).describe('river level between storms, m above the datum'),
  noiseMm: z.number().min(0).default(2).describe('standard deviation of reading-to-reading noise, mm (ripples, the sensor filter)'),
  minRangeMm: z.number().int().min(0).max(9999).default(300).describe('closer targets read as this (300 for 5 m models)'),
  maxRangeMm: z.number().int().min(1).max(9999).default(5000).describe('sent when no target is in range (5000 for 5 m models, 9999 for 10 m ones)'),
  ...faultOptionsShape,
};

/** The twin's options with defaults filled in. */
export type MaxbotixSimulatorOptions = z.infer<z.ZodObject<typeof maxbotixSimulatorShape>>;

/** One reading of the twin: what the sensor printed, and the river level it looked at. */
export interface SonarValues {
  /** The range on the line, mm. */
  readonly rangeMm: number;
  /** The model's true level, m above the datum, before noise and rounding. */
  readonly levelM: number;
}

/** The line the sensor prints for a range: R, four digits with leading zeros, CR. */
export function maxsonarRangeLine(rangeMm: number): Buffer {
  if (!Number.isInteger(rangeMm) || rangeMm < 0 || rangeMm > 9999) throw new RangeError(`a MaxSonar prints four digits of mm, not ${rangeMm}`);
  const digits = String(rangeMm).padStart(4, '0');
  return Buffer.from([0x52, ...Array.from(digits, (digit) => digit.charCodeAt(0)), 0x0d]);
}

/** Characters that cannot stand in a record: for a digit, a letter or sign; for the R, another letter. None is R or CR. */
const NOT_A_DIGIT = 'OoIlSZB?:;.-x ';
const NOT_AN_R = 'Pr2BQ';

/**
 * Twin of an HRXL-MaxSonar-WR over a river in free run: a line `R%04d` + CR per interval,
 * the distance down to the water of the water-level model, with noise of a few millimetres.
 */
export class MaxbotixDevice extends PeriodicDevice<SonarValues> {
  private readonly model: WaterLevelModel;
  private readonly noise: SeededRandom;
  private readonly corruption: SeededRandom;

  constructor(
    private readonly settings: PeriodicOptions & Omit<MaxbotixSimulatorOptions, 'seed' | 'intervalMs' | 'faults'>,
    link: DeviceLink,
    clock: Clock,
  ) {
    super(settings, link, clock);
    this.model = new WaterLevelModel({ seed: settings.seed, baseLevelM: settings.baseLevelM });
    this.noise = new SeededRandom(settings.seed ^ 0x50a4);
    this.corruption = new SeededRandom(settings.seed ^ 0xbad);
  }

  /**
   * `bad-checksum` on a line without checksum: a byte flipped at random can turn a digit into
   * another digit, which no reader could notice. Here one character of the record is replaced
   * by one that cannot stand there, as a line error a reader can catch. The other faults stay
   * as the injector makes them: `truncated` cuts the line before its CR, so it runs into the
   * next one; `garbage` puts random bytes (CRs among them) before the line; `noise` replaces
   * the line by random bytes.
   */
  protected override corruptFrame(line: Buffer): Buffer {
    return this.corruptCharacter(line);
  }

  protected sample(epochMs: number): SonarValues {
    const levelM = this.model.levelAt(epochMs);
    const distanceMm = Math.round(this.settings.mountHeightMm - levelM * 1000 + this.noise.gaussian(0, this.settings.noiseMm));
    // Closer targets read as the minimum; beyond the maximum there is no echo, which the sensor reports as the maximum.
    const rangeMm = Math.min(this.settings.maxRangeMm, Math.max(this.settings.minRangeMm, distanceMm));
    return { rangeMm, levelM };
  }

  protected render(values: SonarValues): Buffer {
    return maxsonarRangeLine(values.rangeMm);
  }

  private corruptCharacter(line: Buffer): Buffer {
    const corrupted = Buffer.from(line);
    const at = Math.floor(this.corruption.next() * (line.length - 1)); // the R or a digit, never the CR
    const choices = at === 0 ? NOT_AN_R : NOT_A_DIGIT;
    corrupted[at] = choices.charCodeAt(Math.floor(this.corruption.next() * choices.length));
    return corrupted;
  }
}

/** The MaxSonar twin as the simulator registry offers it. */
export const maxbotixSimulator: TwinDefinition<typeof maxbotixSimulatorShape> = {
  device: 'maxbotix',
  summary: 'MaxBotix HRXL-MaxSonar-WR over a river: `R%04d` + CR at 6.67 Hz, storms raising and lowering the level, injectable faults',
  defaultBaud: 9600,
  optionsShape: maxbotixSimulatorShape,
  readBy: ['maxbotix'],
  create: (options, link, clock) => new MaxbotixDevice(options, link, clock),
  checkDevice: checkMaxbotixDevice,
};

/**
 * The twin hangs at its `mountHeightMm`: a level read with another mount height is offset by
 * the difference. Only sensors reading `level` use the height, set on the device or, where a
 * sensor overrides it, on the sensor; distances do not depend on it.
 */
function checkMaxbotixDevice(twinOptions: Readonly<Record<string, unknown>>, device: DescribedDevice): DeviceProblem[] {
  const mountHeightMm = numberOption(twinOptions, 'mountHeightMm') ?? DEFAULT_MOUNT_HEIGHT_MM;
  const deviceHeight = numberOption(device.options, 'mountHeightMm');
  const problems: DeviceProblem[] = [];
  for (const sensor of device.sensors) {
    if (sensor.options['field'] !== 'level') continue;
    const sensorHeight = numberOption(sensor.options, 'mountHeightMm');
    const [readHeight, path] = sensorHeight !== undefined ? [sensorHeight, `${sensor.path}.mountHeightMm`] : [deviceHeight, `${device.path}.device.mountHeightMm`];
    if (readHeight === undefined || readHeight === mountHeightMm || problems.some((problem) => problem.path === path)) continue;
    problems.push({ path, message: `the simulated sensor is mounted ${mountHeightMm} mm above the datum; ${readHeight} would offset every level` });
  }
  return problems;
}
