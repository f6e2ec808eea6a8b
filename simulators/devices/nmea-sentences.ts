/**
 * The sentences a GPS receiver prints for one fix epoch, in the layout and order of a u-blox 6
 * (NEO-6M) at its default settings: RMC, VTG, GGA, GSA, GSV (one to three sentences per
 * system), GLL, talker GP, NMEA 2.3 fields. Sources: u-blox 6 Receiver Description (NMEA
 * protocol chapter) and NMEA 0183 v4.10; checked against a NEO-6 capture:
 *
 *   $GPRMC,054423.00,A,3746.79275,N,12224.40754,W,1.730,,050815,,,A*67
 *   $GPVTG,,T,,M,1.730,N,3.204,K,A*23
 *   $GPGGA,054423.00,3746.79275,N,12224.40754,W,1,05,2.58,73.0,M,-29.7,M,,*58
 *   $GPGSA,A,3,14,22,19,04,27,,,,,,,,6.04,2.58,5.46*04
 *   $GPGSV,4,1,13,01,09,314,,04,35,312,07,08,34,276,22,11,20,312,19*73
 *   $GPGSV,4,4,13,32,24,278,*41
 *   $GPGLL,3746.79275,N,12224.40754,W,054423.00,A,A*72
 *
 * Latitude `ddmm.mmmmm`, longitude `dddmm.mmmmm` (5 decimals of a minute on u-blox; 4 on
 * many other modules); time `hhmmss.ss`; speed in knots with 3 decimals (VTG adds km/h);
 * course, DOPs and HDOP with 2 decimals; GSV: elevation 2 digits, azimuth 3, C/N0 2 or empty.
 * Without a fix: RMC status V, mode N; GGA quality 0; GSA mode 1 and DOPs 99.99; GLL status V.
 *
 * NMEA 4.10 (u-blox M8 and later with 4.10 output) adds one field to three sentences: RMC's
 * navigational status (V: the receiver gives none), GSA's system ID (1 GPS, 2 GLONASS,
 * 3 Galileo, 4 BeiDou) and GSV's signal ID (1 GPS L1C/A, GLONASS L1OF, BeiDou B1I; 7 Galileo
 * E1). With talker GN (several systems) GSA is printed once per system, GSV keeps each
 * system's own talker, the rest say GN.
 */
import { systemsOf, type GnssSystem, type SatelliteInView, type Talker } from './nmea-sky.js';

/** How a receiver prints: which talker, which NMEA version's fields, how many decimals of a minute. */
export interface NmeaDialect {
  readonly talker: Talker;
  readonly nmeaVersion: '2.3' | '4.10';
  readonly minuteDecimals: number;
}

/** The u-blox 6 default. */
export const UBLOX6_DIALECT: NmeaDialect = { talker: 'GP', nmeaVersion: '2.3', minuteDecimals: 5 };

/** What a receiver knows at one fix epoch; the position is printed only with a fix. */
export interface FixReport {
  readonly epochMs: number;
  readonly fix: boolean;
  readonly latitude: number;
  readonly longitude: number;
  /** Satellites used in the fix (GGA). */
  readonly satellites: number;
  readonly hdop: number;
  /** Metres above mean sea level. */
  readonly altitude: number;
  /** Geoid height above the WGS-84 ellipsoid, metres. */
  readonly geoidSeparation: number;
  /** m/s over ground. */
  readonly speed: number;
  /** Degrees true; undefined while the heading is unknown (standing still): an empty field, as u-blox prints it. */
  readonly course: number | undefined;
  /** Every satellite in view, of every system the talker covers. */
  readonly sky: readonly SatelliteInView[];
}

/** One knot, in m/s: a nautical mile (1852 m) an hour. */
const KNOT_M_PER_S = 1852 / 3600;
const SYSTEM_IDS: Record<GnssSystem, number> = { GP: 1, GL: 2, GA: 3, GB: 4 };
const SIGNAL_IDS: Record<GnssSystem, number> = { GP: 1, GL: 1, GA: 7, GB: 1 };
/** GSA lists at most 12 satellites; GSV four per sentence. */
const GSA_SLOTS = 12;
const GSV_PER_SENTENCE = 4;
const NO_DOP = '99.99';

/** Every sentence of one epoch, each with CR LF, in the order the receiver prints them. */
export function epochSentences(report: FixReport, dialect: NmeaDialect = UBLOX6_DIALECT): string[] {
  return [rmcSentence(report, dialect), vtgSentence(report, dialect), ggaSentence(report, dialect), ...gsaSentences(report, dialect), ...gsvSentences(report, dialect), gllSentence(report, dialect)];
}

const is410 = (dialect: NmeaDialect) => dialect.nmeaVersion === '4.10';

function position(report: FixReport, dialect: NmeaDialect): string[] {
  if (!report.fix) return ['', '', '', ''];
  return [...angle(report.latitude, 2, dialect.minuteDecimals, 'N', 'S'), ...angle(report.longitude, 3, dialect.minuteDecimals, 'E', 'W')];
}

const knots = (report: FixReport) => (report.speed / KNOT_M_PER_S).toFixed(3);
const course = (report: FixReport) => (report.course === undefined ? '' : report.course.toFixed(2));
const mode = (report: FixReport) => (report.fix ? 'A' : 'N');

/** RMC: time, status, position, knots, course, date, empty magnetic variation, mode[, navigational status]. */
export function rmcSentence(report: FixReport, dialect: NmeaDialect = UBLOX6_DIALECT): string {
  const motion = report.fix ? [knots(report), course(report)] : ['', ''];
  const fields = [`${dialect.talker}RMC`, utcTime(report.epochMs), report.fix ? 'A' : 'V', ...position(report, dialect), ...motion, utcDate(report.epochMs), '', '', mode(report)];
  if (is410(dialect)) fields.push('V');
  return nmeaSentence(fields.join(','));
}

/** VTG: course true, T, course magnetic (empty), M, knots, N, km/h, K, mode; all empty but the mode without a fix. */
export function vtgSentence(report: FixReport, dialect: NmeaDialect = UBLOX6_DIALECT): string {
  const kmh = (report.speed * 3.6).toFixed(3);
  const fields = report.fix ? [course(report), 'T', '', 'M', knots(report), 'N', kmh, 'K'] : ['', '', '', '', '', '', '', ''];
  return nmeaSentence([`${dialect.talker}VTG`, ...fields, mode(report)].join(','));
}

/** GGA: time, position, quality (1 GPS fix, 0 none), satellites used, HDOP, altitude and geoid separation, empty DGPS age and station. */
export function ggaSentence(report: FixReport, dialect: NmeaDialect = UBLOX6_DIALECT): string {
  const heights = report.fix ? [report.altitude.toFixed(1), 'M', report.geoidSeparation.toFixed(1), 'M'] : ['', '', '', ''];
  const fields = [`${dialect.talker}GGA`, utcTime(report.epochMs), ...position(report, dialect), report.fix ? '1' : '0', String(report.satellites).padStart(2, '0'), report.hdop.toFixed(2), ...heights, '', ''];
  return nmeaSentence(fields.join(','));
}

/** The dilutions of precision GSA prints; VDOP follows HDOP (a sky of the same geometry), PDOP is their root sum of squares. */
function dops(report: FixReport): [pdop: string, hdop: string, vdop: string] {
  if (!report.fix) return [NO_DOP, NO_DOP, NO_DOP];
  const vdop = report.hdop * 1.5;
  return [Math.hypot(report.hdop, vdop).toFixed(2), report.hdop.toFixed(2), vdop.toFixed(2)];
}

/** GSA: A (automatic), 1 no fix / 3 3D fix, 12 slots of satellites used, PDOP, HDOP, VDOP[, system ID]; one per system under GN. */
export function gsaSentences(report: FixReport, dialect: NmeaDialect = UBLOX6_DIALECT): string[] {
  return systemsOf(dialect.talker).map((system) => {
    const used = report.fix ? report.sky.filter((satellite) => satellite.system === system && satellite.used).slice(0, GSA_SLOTS) : [];
    const slots = Array.from({ length: GSA_SLOTS }, (_, index) => (used[index] ? two(used[index].id) : ''));
    const fields = [`${dialect.talker}GSA`, 'A', report.fix ? '3' : '1', ...slots, ...dops(report)];
    if (is410(dialect)) fields.push(String(SYSTEM_IDS[system]));
    return nmeaSentence(fields.join(','));
  });
}

/** GSV: sentences in the group, this one's number, satellites in view, then four (ID, elevation, azimuth, C/N0)[, signal ID]; per system. */
export function gsvSentences(report: FixReport, dialect: NmeaDialect = UBLOX6_DIALECT): string[] {
  return systemsOf(dialect.talker).flatMap((system) => {
    const inView = report.sky.filter((satellite) => satellite.system === system);
    const count = Math.max(1, Math.ceil(inView.length / GSV_PER_SENTENCE));
    return Array.from({ length: count }, (_, index) => {
      const satellites = inView.slice(index * GSV_PER_SENTENCE, (index + 1) * GSV_PER_SENTENCE);
      const fields = [`${system}GSV`, String(count), String(index + 1), two(inView.length)];
      for (const satellite of satellites) fields.push(two(satellite.id), two(satellite.elevation), String(satellite.azimuth).padStart(3, '0'), satellite.snr === undefined ? '' : two(satellite.snr));
      if (is410(dialect)) fields.push(String(SIGNAL_IDS[system]));
      return nmeaSentence(fields.join(','));
    });
  });
}

/** GLL: position, time, status (A/V), mode. */
export function gllSentence(report: FixReport, dialect: NmeaDialect = UBLOX6_DIALECT): string {
  return nmeaSentence([`${dialect.talker}GLL`, ...position(report, dialect), utcTime(report.epochMs), report.fix ? 'A' : 'V', mode(report)].join(','));
}


/** XOR of the character codes between `$` and `*` (NMEA 0183 § sentence checksum). */
export function nmeaSentenceChecksum(body: string): number {
  let checksum = 0;
  for (const character of body) checksum ^= character.charCodeAt(0);
  return checksum;
}

/** `$` + body + `*hh` + CR LF. */
export function nmeaSentence(body: string): string {
  const hex = nmeaSentenceChecksum(body).toString(16).toUpperCase().padStart(2, '0');
  return `$${body}*${hex}\r\n`;
}

/**
 * Signed degrees as whole degrees and decimal minutes. The angle is rounded once, in units
 * of the last printed decimal of a minute, so 59.999996' carries into the degrees instead of
 * printing as 60.00000'.
 */
export function angle(degrees: number, degreeDigits: number, minuteDecimals: number, positive: string, negative: string): [string, string] {
  const unitsPerMinute = 10 ** minuteDecimals;
  const unitsPerDegree = 60 * unitsPerMinute;
  const units = Math.round(Math.abs(degrees) * unitsPerDegree);
  const whole = Math.floor(units / unitsPerDegree);
  const minutes = ((units - whole * unitsPerDegree) / unitsPerMinute).toFixed(minuteDecimals).padStart(minuteDecimals + 3, '0');
  return [`${String(whole).padStart(degreeDigits, '0')}${minutes}`, degrees < 0 ? negative : positive];
}

const two = (value: number) => String(value).padStart(2, '0');

/** `hhmmss.ss` UTC, to the hundredth. */
function utcTime(epochMs: number): string {
  const centiseconds = Math.round(epochMs / 10);
  const time = new Date(centiseconds * 10);
  return `${two(time.getUTCHours())}${two(time.getUTCMinutes())}${two(time.getUTCSeconds())}.${two(centiseconds % 100)}`;
}

/** `ddmmyy` UTC, of the same hundredth as the time. */
function utcDate(epochMs: number): string {
  const date = new Date(Math.round(epochMs / 10) * 10);
  return `${two(date.getUTCDate())}${two(date.getUTCMonth() + 1)}${two(date.getUTCFullYear() % 100)}`;
}
