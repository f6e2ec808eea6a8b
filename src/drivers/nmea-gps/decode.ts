/**
 * NMEA 0183 sentences as GPS receivers print them. Sources: NMEA 0183 v4.10, "sentence
 * structure" (`$` + address + comma-separated fields + `*hh` + CR LF, at most 82 characters;
 * hh = XOR of every character between `$` and `*`, two hex digits) and the GGA and RMC
 * sentence definitions, cross-checked against the u-blox receiver description (NMEA chapter)
 * and the gpsd NMEA reference:
 *
 *   $--GGA,hhmmss.ss,ddmm.mmmm,N,dddmm.mmmm,E,q,ss,h.h,a.a,M,g.g,M,age,stn*hh
 *          1 UTC     2 lat    3 4 lon       5 6 7  8   9   10 11 12 13  14
 *   q: 0 no fix, 1 GPS, 2 DGPS, 3 PPS, 4 RTK, 5 float RTK, 6 dead reckoning, 7 manual, 8 simulator;
 *   ss: satellites in use; h.h: HDOP; a.a: antenna altitude above mean sea level, metres.
 *
 *   $--RMC,hhmmss.ss,A,ddmm.mmmm,N,dddmm.mmmm,E,kn,cog,ddmmyy,var,E[,mode[,nav]]*hh
 *          1 UTC     2 3         4 5          6 7  8   9      10  11 12    13
 *   A = valid, V = warning (no fix); kn: speed over ground in knots; cog: course over ground,
 *   degrees true; mode (NMEA 2.3 and later): A, D, E, F, R, M, S valid, N not valid.
 *
 * Any talker (GP, GL, GA, GB, GN...) is accepted. Nothing here throws on bad input.
 */

/** GGA: one fix epoch's position and quality. */
export interface GgaSentence {
  readonly type: 'GGA';
  readonly talker: string;
  /** The UTC time field as sent: it names the fix epoch that GGA and RMC share. */
  readonly utcTime: string;
  /** Fix quality indicator; 0 = no fix. */
  readonly quality: number;
  /** Degrees, north positive; present when there is a fix. */
  readonly latitude?: number | undefined;
  /** Degrees, east positive; present when there is a fix. */
  readonly longitude?: number | undefined;
  readonly satellites?: number | undefined;
  readonly hdop?: number | undefined;
  /** Metres above mean sea level (the geoid). */
  readonly altitude?: number | undefined;
}

/** RMC: the recommended minimum, with speed, course and the date. */
export interface RmcSentence {
  readonly type: 'RMC';
  readonly talker: string;
  readonly utcTime: string;
  /** Status A (and a mode indicator other than N): the position is a fix. */
  readonly valid: boolean;
  readonly latitude?: number | undefined;
  readonly longitude?: number | undefined;
  /** Speed over ground, m/s (converted from knots). */
  readonly speed?: number | undefined;
  /** Course over ground, degrees true. */
  readonly course?: number | undefined;
  /** The date field as sent, ddmmyy. */
  readonly date?: string | undefined;
}

/** What one `$...` candidate turned out to be. */
export type SentenceOutcome =
  | { readonly kind: 'fix'; readonly sentence: GgaSentence | RmcSentence }
  /** A sound sentence of a type this driver does not read (GSV, GSA, VTG, proprietary...). */
  | { readonly kind: 'ignored'; readonly address: string }
  | { readonly kind: 'bad-checksum'; readonly reason: string }
  | { readonly kind: 'malformed'; readonly reason: string };

/** One knot in m/s: a nautical mile (1852 m) per hour. */
export const KNOT_IN_METRES_PER_SECOND = 1852 / 3600;

/** XOR of the character codes of `body` (the characters between `$` and `*`). */
export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let index = 0; index < body.length; index++) sum ^= body.charCodeAt(index);
  return sum;
}

/**
 * Cuts one received line at every `$`: the text before the first one is not part of any
 * sentence, and each piece from a `$` on is one sentence candidate. A sentence cut short by
 * a dropout is thus separated from the sound one that follows it on the same line.
 */
export function splitSentences(line: string): { readonly stray: string; readonly candidates: string[] } {
  const pieces = line.split('$');
  const stray = pieces.shift() ?? '';
  return { stray, candidates: pieces.map((piece) => `$${trimLineEnd(piece)}`) };
}

/** Checks and decodes one candidate that starts with `$`. */
export function parseSentence(text: string): SentenceOutcome {
  const star = text.lastIndexOf('*');
  if (star < 0) return { kind: 'bad-checksum', reason: 'no checksum' };
  const sent = text.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(sent)) return { kind: 'bad-checksum', reason: `checksum field "${sent}" is not two hex digits` };
  const body = text.slice(1, star);
  const computed = nmeaChecksum(body);
  if (computed !== Number.parseInt(sent, 16)) return { kind: 'bad-checksum', reason: `checksum ${sent}, computed ${hex(computed)}` };
  if (!/^[\x20-\x7e]*$/.test(body)) return { kind: 'malformed', reason: 'control or non-ASCII characters' };
  const fields = body.split(',');
  const address = fields[0]!;
  if (/^P[A-Z0-9]+$/.test(address)) return { kind: 'ignored', address };
  if (!/^[A-Z][A-Z0-9][A-Z0-9]{3}$/.test(address)) return { kind: 'malformed', reason: `address field "${address}"` };
  const talker = address.slice(0, 2);
  switch (address.slice(2)) {
    case 'GGA':
      return fixOrMalformed(decodeGga(talker, fields));
    case 'RMC':
      return fixOrMalformed(decodeRmc(talker, fields));
    default:
      return { kind: 'ignored', address };
  }
}

function fixOrMalformed(decoded: GgaSentence | RmcSentence | string): SentenceOutcome {
  return typeof decoded === 'string' ? { kind: 'malformed', reason: decoded } : { kind: 'fix', sentence: decoded };
}

/** GGA fields 1-9 (the rest, geoid separation and DGPS data, are not read). */
export function decodeGga(talker: string, fields: readonly string[]): GgaSentence | string {
  if (fields.length < 10) return `GGA with ${fields.length - 1} fields, at least 9 expected`;
  const [, utcTime = '', lat = '', ns = '', lon = '', ew = '', qualityText = '', satellitesText = '', hdopText = '', altitudeText = ''] = fields;
  if (!/^\d$/.test(qualityText)) return `GGA fix quality "${qualityText}"`;
  const quality = Number(qualityText);
  const satellites = optionalNumber(satellitesText, UNSIGNED_INTEGER);
  if (satellites === null) return `GGA satellites "${satellitesText}"`;
  if (quality === 0) return { type: 'GGA', talker, utcTime, quality, satellites };
  if (utcSecondsOfDay(utcTime) === undefined) return `GGA time "${utcTime}"`;
  const latitude = parseLatitude(lat, ns);
  const longitude = parseLongitude(lon, ew);
  if (latitude === undefined || longitude === undefined) return `GGA position "${lat},${ns},${lon},${ew}"`;
  const hdop = optionalNumber(hdopText, UNSIGNED_DECIMAL);
  const altitude = optionalNumber(altitudeText, SIGNED_DECIMAL);
  if (hdop === null || altitude === null) return `GGA HDOP "${hdopText}" or altitude "${altitudeText}"`;
  return { type: 'GGA', talker, utcTime, quality, latitude, longitude, satellites, hdop, altitude };
}

/** RMC fields 1-9, and the mode indicator (field 12) when the receiver sends it. */
export function decodeRmc(talker: string, fields: readonly string[]): RmcSentence | string {
  if (fields.length < 10) return `RMC with ${fields.length - 1} fields, at least 9 expected`;
  const [, utcTime = '', status = '', lat = '', ns = '', lon = '', ew = '', knotsText = '', courseText = '', date = ''] = fields;
  if (status !== 'A' && status !== 'V') return `RMC status "${status}"`;
  const mode = fields[12];
  if (status === 'V' || mode === 'N') return { type: 'RMC', talker, utcTime, valid: false };
  if (utcSecondsOfDay(utcTime) === undefined) return `RMC time "${utcTime}"`;
  if (date !== '' && utcDate(date) === undefined) return `RMC date "${date}"`;
  const latitude = parseLatitude(lat, ns);
  const longitude = parseLongitude(lon, ew);
  if (latitude === undefined || longitude === undefined) return `RMC position "${lat},${ns},${lon},${ew}"`;
  const knots = optionalNumber(knotsText, UNSIGNED_DECIMAL);
  const course = optionalNumber(courseText, UNSIGNED_DECIMAL);
  if (knots === null || course === null || (course !== undefined && course >= 360.5)) return `RMC speed "${knotsText}" or course "${courseText}"`;
  // One division of exact integers (a knot is 1852/3600 m/s): the double nearest the speed sent.
  const speed = knots === undefined ? undefined : knotsInMetresPerSecond(knotsText.trim());
  return { type: 'RMC', talker, utcTime, valid: true, latitude, longitude, speed, course, date: date === '' ? undefined : date };
}

function knotsInMetresPerSecond(text: string): number {
  const { units, scale } = decimalUnits(text);
  return (units * 1852) / (3600 * scale);
}

/**
 * UTC epoch milliseconds of a valid RMC's date and time: the time a node without a
 * real-time clock can trust. Undefined without a fix or without a date.
 */
export function gpsTimeFromRmc(rmc: RmcSentence): number | undefined {
  if (!rmc.valid || rmc.date === undefined) return undefined;
  const day = utcDate(rmc.date);
  const secondsOfDay = utcSecondsOfDay(rmc.utcTime);
  if (day === undefined || secondsOfDay === undefined) return undefined;
  return day + Math.round(secondsOfDay * 1000);
}

/** `ddmm.mmmm` + N/S to signed degrees; undefined when out of range or not a number. */
export function parseLatitude(text: string, hemisphere: string): number | undefined {
  const match = /^(\d{2})(\d{2}(?:\.\d+)?)$/.exec(text);
  if (!match || (hemisphere !== 'N' && hemisphere !== 'S')) return undefined;
  const degrees = toDegrees(Number(match[1]), match[2]!, 90);
  return degrees === undefined ? undefined : hemisphere === 'S' ? -degrees : degrees;
}

/** `dddmm.mmmm` + E/W to signed degrees; undefined when out of range or not a number. */
export function parseLongitude(text: string, hemisphere: string): number | undefined {
  const match = /^(\d{3})(\d{2}(?:\.\d+)?)$/.exec(text);
  if (!match || (hemisphere !== 'E' && hemisphere !== 'W')) return undefined;
  const degrees = toDegrees(Number(match[1]), match[2]!, 180);
  return degrees === undefined ? undefined : hemisphere === 'W' ? -degrees : degrees;
}

/**
 * Degrees and decimal minutes as one division of exact integers (`4807.038` is 288,407,038
 * thousandths of a minute over 60,000), so the result is the double nearest the position the
 * receiver sent, not the sum of two rounded terms.
 */
function toDegrees(degrees: number, minutesText: string, limit: number): number | undefined {
  const { units, scale } = decimalUnits(minutesText);
  if (units >= 60 * scale) return undefined;
  const value = (degrees * 60 * scale + units) / (60 * scale);
  return value > limit ? undefined : value;
}

/** A decimal's text as an integer count of its last digit's units: `07.038` is 7038 thousandths. */
function decimalUnits(text: string): { units: number; scale: number } {
  const point = text.indexOf('.');
  const decimals = point < 0 ? 0 : text.length - point - 1;
  return { units: Number(text.replace('.', '')), scale: 10 ** decimals };
}

/** `hhmmss[.s...]` to seconds since midnight UTC (a leap second 60 is allowed). */
export function utcSecondsOfDay(text: string): number | undefined {
  const match = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = Number(match[3]);
  if (hours > 23 || minutes > 59 || seconds >= 61) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
}

/**
 * `ddmmyy` to the epoch milliseconds of that day's midnight UTC. The two-digit year is read
 * as 1980-2079: GPS time starts in 1980.
 */
export function utcDate(text: string): number | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!match) return undefined;
  const day = Number(match[1]);
  const month = Number(match[2]);
  const shortYear = Number(match[3]);
  const year = shortYear < 80 ? 2000 + shortYear : 1900 + shortYear;
  const epochMs = Date.UTC(year, month - 1, day);
  const check = new Date(epochMs);
  // Date.UTC rolls 31 April over to 1 May: a date that does not exist is malformed.
  return check.getUTCDate() === day && check.getUTCMonth() === month - 1 ? epochMs : undefined;
}

const UNSIGNED_INTEGER = /^\d+$/;
const UNSIGNED_DECIMAL = /^\d+(?:\.\d*)?$/;
const SIGNED_DECIMAL = /^-?\d+(?:\.\d*)?$/;

/** An empty field is absent (undefined); a field that is not a number is `null`. */
function optionalNumber(text: string, pattern: RegExp): number | undefined | null {
  if (text === '') return undefined;
  return pattern.test(text) ? Number(text) : null;
}

/** Without its trailing CR and LF; a loop from the end, since `/[\r\n]+$/` backtracks quadratically on a long run of CRs that is not at the end. */
function trimLineEnd(text: string): string {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 13 || text.charCodeAt(end - 1) === 10)) end--;
  return end === text.length ? text : text.slice(0, end);
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}
