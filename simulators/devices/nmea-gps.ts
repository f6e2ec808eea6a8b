import { z } from 'zod';
import type { Clock, DeviceLink, TwinDefinition } from '../../src/index.js';
import { faultOptionsShape } from '../faults.js';
import { GpsTrackModel, type GpsTrackSample } from '../models/gps-track.js';
import { SeededRandom } from '../models/random.js';
import { epochSentences, type NmeaDialect } from './nmea-sentences.js';
import { skyAt } from './nmea-sky.js';
import { PeriodicDevice, type PeriodicOptions } from './periodic.js';

/** Options of the simulated GPS receiver (`boards[].simulator` with `device: nmea-gps`). */
export const nmeaGpsSimulatorShape = {
  seed: z.number().int().default(1),
  intervalMs: z.number().int().min(1).default(1000).describe('one fix per second, the receivers\' default navigation rate'),
  talker: z.enum(['GP', 'GN', 'GL', 'GA', 'GB']).default('GP').describe('GP: GPS only (NEO-6M); GN: GPS with GLONASS, GSA per system (M8 and later); GL, GA, GB: GLONASS, Galileo or BeiDou only'),
  // YAML reads `4.10` as the number 4.1 and `2.3` as 2.3: both spellings mean the version.
  nmeaVersion: z
    .preprocess((value) => (value === 4.1 ? '4.10' : value === 2.3 ? '2.3' : value), z.enum(['2.3', '4.10']))
    .default('2.3')
    .describe('2.3: u-blox 6 fields; 4.10: adds RMC navigational status, GSA system ID and GSV signal ID (M8 and later)'),
  minuteDecimals: z.number().int().min(4).max(5).default(5).describe('decimals of a minute of latitude and longitude: 5 on u-blox, 4 on many other modules'),
  startLatitude: z.number().min(-85).max(85).default(53.5405),
  startLongitude: z.number().min(-180).max(180).default(9.9351),
  fixLossRate: z.number().min(0).max(1).default(0.005).describe('chance per second of losing the fix for 3-20 s'),
  utcOffsetMs: z.number().default(0).describe('true UTC minus the host clock: a large value plays a gateway that booted without a clock'),
  ...faultOptionsShape,
};

/** The simulated GPS's options after validation. */
export type NmeaGpsSimulatorOptions = z.infer<z.ZodObject<typeof nmeaGpsSimulatorShape>>;

/** Every sentence (each with CR LF) a receiver prints for one fix epoch, in its order; the sky is drawn from `seed`. */
export function nmeaFixSentences(values: GpsTrackSample, epochMs: number, dialect: NmeaDialect, seed: number): string[] {
  // Standing still, a receiver has no heading and leaves the course empty.
  const course = values.speed > 0 ? values.course : undefined;
  return epochSentences({ ...values, course, epochMs, sky: skyAt(seed, epochMs, dialect.talker, values.fix ? values.satellites : 0) }, dialect);
}

const REPLACEMENTS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-';

/** Replaces one character between `$` and `*` of one of the sentences in `text` by another. */
export function corruptOneSentence(text: Buffer, random: SeededRandom): Buffer {
  const spans: [number, number][] = [];
  for (let start = text.indexOf('$'); start >= 0; start = text.indexOf('$', start + 1)) {
    const star = text.indexOf('*', start);
    if (star > start + 1) spans.push([start + 1, star]);
  }
  const corrupted = Buffer.from(text);
  const span = spans[Math.floor(random.next() * spans.length)];
  if (!span) return corrupted;
  const at = span[0] + Math.floor(random.next() * (span[1] - span[0]));
  const others = REPLACEMENTS.replace(String.fromCharCode(corrupted[at]!), '');
  corrupted[at] = others.charCodeAt(Math.floor(random.next() * others.length));
  return corrupted;
}

/**
 * Twin of a GPS module on a moving vehicle, by default a u-blox NEO-6M (u-blox 6) at its
 * factory settings: every interval it prints RMC, VTG, GGA, GSA, GSV and GLL of the fix,
 * from the track model; while the fix is lost they carry no position (status V, quality 0).
 * Options turn it into a multi-GNSS, NMEA 4.10 or 4-decimal receiver (see nmea-sentences.ts).
 */
export class NmeaGpsDevice extends PeriodicDevice<GpsTrackSample> {
  private readonly textRandom = new SeededRandom(this.options.seed ^ 0x0183);
  private readonly model: GpsTrackModel;
  readonly dialect: NmeaDialect;
  private readonly utcOffsetMs: number;

  constructor(
    options: PeriodicOptions &
      Pick<NmeaGpsSimulatorOptions, 'talker' | 'startLatitude' | 'startLongitude' | 'fixLossRate'> &
      Partial<Pick<NmeaGpsSimulatorOptions, 'nmeaVersion' | 'minuteDecimals' | 'utcOffsetMs'>>,
    link: DeviceLink,
    clock: Clock,
  ) {
    super(options, link, clock, 1);
    this.utcOffsetMs = options.utcOffsetMs ?? 0;
    this.model = new GpsTrackModel({ seed: options.seed, startLatitude: options.startLatitude, startLongitude: options.startLongitude, fixLossRate: options.fixLossRate });
    this.dialect = { talker: options.talker, nmeaVersion: options.nmeaVersion ?? '2.3', minuteDecimals: options.minuteDecimals ?? 5 };
  }

  /**
   * `bad-checksum` for text sentences replaces one character between `$` and `*` of one
   * sentence, so the sentence still frames and then fails its checksum. `truncated`,
   * `garbage` and `noise` act on the bytes as for every twin.
   */
  protected override corruptFrame(frame: Buffer): Buffer {
    return corruptOneSentence(frame, this.textRandom);
  }

  protected sample(epochMs: number): GpsTrackSample {
    return this.model.sample(this.fixEpoch(epochMs));
  }

  protected render(values: GpsTrackSample, epochMs: number): Buffer {
    return Buffer.from(this.sentences(values, epochMs).join(''), 'latin1');
  }

  /** The sentences, each with CR LF, this twin prints for `values` sampled at `epochMs`: what `render` sends when no fault strikes. */
  sentences(values: GpsTrackSample, epochMs: number): string[] {
    return nmeaFixSentences(values, this.fixEpoch(epochMs), this.dialect, this.options.seed);
  }

  /**
   * A receiver fixes on whole multiples of its navigation period (whole seconds at 1 Hz) and
   * prints the sentences a little later: the fix is the last period boundary before `epochMs`.
   */
  fixEpoch(epochMs: number): number {
    const utc = epochMs + this.utcOffsetMs;
    return Math.floor(utc / this.options.intervalMs) * this.options.intervalMs;
  }
}

/** The `nmea-gps` simulator as the config and `fieldnode simulate` know it. */
export const nmeaGpsSimulator: TwinDefinition<typeof nmeaGpsSimulatorShape> = {
  device: 'nmea-gps',
  summary: 'u-blox NEO-6M GPS receiver on a vehicle: RMC, VTG, GGA, GSA, GSV, GLL once a second, occasional loss of fix; GN, NMEA 4.10 and 4-decimal variants; injectable faults',
  defaultBaud: 9600,
  optionsShape: nmeaGpsSimulatorShape,
  create: (options, link, clock) => new NmeaGpsDevice(options, link, clock),
  readBy: ['nmea-gps'],
};
