/**
 * The GGA and RMC sentences a GPS receiver prints, from NMEA 0183 (V2.3 and later) and the
 * u-blox receiver description, which fixes the layout modules actually print:
 *
 *   $<talker><type>,<fields…>*hh<CR><LF>
 *
 * hh is the checksum: the XOR of every character between `$` and `*`, as two upper-case hex
 * digits. Latitude is `ddmm.mmmm`, longitude `dddmm.mmmm`, each followed by its hemisphere
 * letter; times are UTC `hhmmss.ss`, RMC's date `ddmmyy`; RMC speed is in knots. Without a
 * fix, GGA prints quality 0 and RMC status V with mode N, their position fields empty.
 */

/** One knot, in m/s: a nautical mile (1852 m) an hour. */
const KNOT_M_PER_S = 1852 / 3600;
/** u-blox and most modules print four decimals of a minute. */
const MINUTE_DECIMALS = 4;

/** What a receiver knows at one fix epoch; the position is printed only with a fix. */
export interface FixReport {
  readonly talker: string;
  readonly epochMs: number;
  readonly fix: boolean;
  readonly latitude: number;
  readonly longitude: number;
  readonly satellites: number;
  readonly hdop: number;
  /** Metres above mean sea level. */
  readonly altitude: number;
  /** Geoid height above the WGS-84 ellipsoid, metres. */
  readonly geoidSeparation: number;
  /** m/s over ground. */
  readonly speed: number;
  /** Degrees true. */
  readonly course: number;
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

/** GGA: time, position, fix quality (1 GPS fix, 0 none), satellites, HDOP, altitude and geoid separation in metres. */
export function ggaSentence(report: FixReport): string {
  const position = report.fix ? coordinates(report) : ['', '', '', ''];
  const altitude = report.fix ? [report.altitude.toFixed(1), 'M'] : ['', ''];
  const geoid = report.fix ? [report.geoidSeparation.toFixed(1), 'M'] : ['', ''];
  const fields = [`${report.talker}GGA`, utcTime(report.epochMs), ...position, report.fix ? '1' : '0', String(report.satellites).padStart(2, '0'), report.hdop.toFixed(2), ...altitude, ...geoid, '', ''];
  return nmeaSentence(fields.join(','));
}

/** RMC: time, status, position, speed in knots, course, date, empty magnetic variation, mode indicator (A autonomous, N none). */
export function rmcSentence(report: FixReport): string {
  const position = report.fix ? coordinates(report) : ['', '', '', ''];
  const speed = report.fix ? (report.speed / KNOT_M_PER_S).toFixed(3) : '';
  const course = report.fix ? report.course.toFixed(2) : '';
  const fields = [`${report.talker}RMC`, utcTime(report.epochMs), report.fix ? 'A' : 'V', ...position, speed, course, utcDate(report.epochMs), '', '', report.fix ? 'A' : 'N'];
  return nmeaSentence(fields.join(','));
}

function coordinates(report: FixReport): string[] {
  return [...angle(report.latitude, 2, 'N', 'S'), ...angle(report.longitude, 3, 'E', 'W')];
}

/**
 * Signed degrees as whole degrees and decimal minutes. The angle is rounded once, in units
 * of the last printed decimal of a minute, so 59.99996' carries into the degrees instead of
 * printing as 60.0000'.
 */
export function angle(degrees: number, degreeDigits: number, positive: string, negative: string): [string, string] {
  const unitsPerMinute = 10 ** MINUTE_DECIMALS;
  const unitsPerDegree = 60 * unitsPerMinute;
  const units = Math.round(Math.abs(degrees) * unitsPerDegree);
  const whole = Math.floor(units / unitsPerDegree);
  const minutes = ((units - whole * unitsPerDegree) / unitsPerMinute).toFixed(MINUTE_DECIMALS).padStart(MINUTE_DECIMALS + 3, '0');
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
