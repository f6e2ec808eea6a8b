import { z } from 'zod';
import type { Clock } from '../../src/core/clock.js';
import { encodeMaxbotix } from '../../src/drivers/maxbotix/decode.js';
import type { DeviceLink, SimulatorDefinition } from '../device.js';
import { faultOptionsShape } from '../faults.js';
import { SeededRandom } from '../models/random.js';
import { WaterLevelModel } from '../models/water-level.js';
import { PeriodicDevice, type PeriodicOptions } from './periodic.js';

/** Options of the simulated MaxSonar (`boards[].simulator` with `device: maxbotix`). */
export const maxbotixSimulatorShape = {
  seed: z.number().int().default(1).describe('seed of the river and of the sensor noise; the same seed replays the same storms'),
  intervalMs: z.number().int().min(1).default(150).describe('free-run reading interval: 150 ms is the 6.67 Hz of the MB7369/MB7389 water-tank models (others run at 6–7.5 Hz)'),
  mountHeightMm: z.number().int().min(1).default(4000).describe('height of the sensor face above the level datum (the river bed), in mm'),
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
    return encodeMaxbotix(values.rangeMm);
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
export const maxbotixSimulator: SimulatorDefinition<typeof maxbotixSimulatorShape> = {
  device: 'maxbotix',
  summary: 'MaxBotix HRXL-MaxSonar-WR over a river: `R%04d` + CR at 6.67 Hz, storms raising and lowering the level, injectable faults',
  defaultBaud: 9600,
  optionsShape: maxbotixSimulatorShape,
  create: (options, link, clock) => new MaxbotixDevice(options, link, clock),
  checkSensors: (options, sensors) => {
    const mountHeightMm = typeof options['mountHeightMm'] === 'number' ? options['mountHeightMm'] : 4000;
    return sensors.flatMap((sensor) => {
      if (sensor.driver['type'] !== 'maxbotix') return [{ path: `${sensor.path}.driver.type`, message: 'the simulated MaxSonar speaks maxbotix' }];
      const readHeight = sensor.driver['mountHeightMm'];
      if (sensor.driver['field'] === 'level' && typeof readHeight === 'number' && readHeight !== mountHeightMm) {
        return [{ path: `${sensor.path}.driver.mountHeightMm`, message: `the simulated sensor is mounted ${mountHeightMm} mm above the datum; ${readHeight} would offset every level` }];
      }
      return [];
    });
  },
};
