import { z } from 'zod';
import type { Clock, DeviceLink, TwinDefinition } from '../../src/index.js';
import { faultOptionsShape } from '../faults.js';
import { GpsTrackModel, type GpsTrackSample } from '../models/gps-track.js';
import { SeededRandom } from '../models/random.js';
import { ggaSentence, rmcSentence } from './nmea-sentences.js';
import { PeriodicDevice, type PeriodicOptions } from './periodic.js';

/** Options of the simulated GPS receiver (`boards[].simulator` with `device: nmea-gps`). */
export const nmeaGpsSimulatorShape = {
  seed: z.number().int().default(1),
  intervalMs: z.number().int().min(1).default(1000).describe('one fix per second, the receivers\' default navigation rate'),
  talker: z.enum(['GP', 'GN', 'GL', 'GA', 'GB']).default('GP').describe('GP: GPS only (NEO-6M); GN: multi-constellation (M8 and later)'),
  startLatitude: z.number().min(-85).max(85).default(53.5405),
  startLongitude: z.number().min(-180).max(180).default(9.9351),
  fixLossRate: z.number().min(0).max(1).default(0.005).describe('chance per second of losing the fix for 3-20 s'),
  utcOffsetMs: z.number().default(0).describe('true UTC minus the host clock: a large value plays a gateway that booted without a clock'),
  ...faultOptionsShape,
};

/** The simulated GPS's options after validation. */
export type NmeaGpsSimulatorOptions = z.infer<z.ZodObject<typeof nmeaGpsSimulatorShape>>;

/** The GGA and RMC sentences (each with CR LF) a receiver prints for one fix epoch. */
export function nmeaFixSentences(values: GpsTrackSample, epochMs: number, talker = 'GP'): [gga: string, rmc: string] {
  const report = { ...values, talker, epochMs };
  return [ggaSentence(report), rmcSentence(report)];
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
 * Twin of a GPS module (a u-blox NEO-6M class receiver) on a moving vehicle: every interval
 * it prints the GGA then the RMC sentence of the fix, exactly as the module does, from the
 * track model; while the fix is lost it prints them empty (quality 0, status V).
 */
export class NmeaGpsDevice extends PeriodicDevice<GpsTrackSample> {
  private readonly textRandom = new SeededRandom(this.options.seed ^ 0x0183);
  private readonly model: GpsTrackModel;
  private readonly talker: string;

  private readonly utcOffsetMs: number;

  constructor(options: PeriodicOptions & Pick<NmeaGpsSimulatorOptions, 'talker' | 'startLatitude' | 'startLongitude' | 'fixLossRate'> & { utcOffsetMs?: number }, link: DeviceLink, clock: Clock) {
    super(options, link, clock, 1);
    this.utcOffsetMs = options.utcOffsetMs ?? 0;
    this.model = new GpsTrackModel({ seed: options.seed, startLatitude: options.startLatitude, startLongitude: options.startLongitude, fixLossRate: options.fixLossRate });
    this.talker = options.talker;
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
    return Buffer.from(nmeaFixSentences(values, this.fixEpoch(epochMs), this.talker).join(''), 'latin1');
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
  summary: 'NMEA 0183 GPS receiver on a vehicle: GGA and RMC once a second, satellites 6-12, occasional loss of fix, injectable faults',
  defaultBaud: 9600,
  optionsShape: nmeaGpsSimulatorShape,
  create: (options, link, clock) => new NmeaGpsDevice(options, link, clock),
  readBy: ['nmea-gps'],
};
