/**
 * Builds the NMEA 0183 sentences a GPS receiver prints, in the layout of decode.ts (the
 * twin's side, and tests'). Coordinates are rounded in whole units of the last minute
 * decimal, so 59.99996' never prints as 60.0000'.
 */
import { KNOT_IN_METRES_PER_SECOND, nmeaChecksum } from './decode.js';

/** What a receiver knows at one fix epoch; position fields are left empty without a fix. */
export interface GgaFields {
  readonly talker: string;
  readonly epochMs: number;
  /** Fix quality indicator; 0 prints an empty position. */
  readonly quality: number;
  readonly latitude?: number | undefined;
  readonly longitude?: number | undefined;
  readonly satellites: number;
  readonly hdop?: number | undefined;
  /** Metres above mean sea level. */
  readonly altitude?: number | undefined;
  /** Geoid height above the WGS-84 ellipsoid, metres. */
  readonly geoidSeparation?: number | undefined;
  /** Decimals of the minutes of latitude and longitude (4 on most modules, 5 on u-blox). */
  readonly minuteDecimals?: number | undefined;
}

/** What RMC adds for one fix epoch: validity, speed and course (the date comes from `epochMs`). */
export interface RmcFields {
  readonly talker: string;
  readonly epochMs: number;
  /** False prints status V, an empty position and mode N. */
  readonly valid: boolean;
  readonly latitude?: number | undefined;
  readonly longitude?: number | undefined;
  /** m/s; printed in knots. */
  readonly speed?: number | undefined;
  /** Degrees true. */
  readonly course?: number | undefined;
  readonly minuteDecimals?: number | undefined;
}

/** `$` + body + `*hh` + CR LF. */
export function sentence(body: string): string {
  return `$${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

/** A GGA sentence as u-blox modules print it (time with hundredths, HDOP with two decimals). */
export function formatGga(fields: GgaFields): string {
  const decimals = fields.minuteDecimals ?? 4;
  const fixed = fields.quality > 0 && fields.latitude !== undefined && fields.longitude !== undefined;
  const position = fixed ? [...formatCoordinate(fields.latitude!, 2, decimals, 'N', 'S'), ...formatCoordinate(fields.longitude!, 3, decimals, 'E', 'W')] : ['', '', '', ''];
  const hdop = fields.hdop === undefined ? '' : fields.hdop.toFixed(2);
  const altitude = fixed && fields.altitude !== undefined ? [fields.altitude.toFixed(1), 'M'] : ['', ''];
  const geoid = fixed && fields.geoidSeparation !== undefined ? [fields.geoidSeparation.toFixed(1), 'M'] : ['', ''];
  const satellites = String(fields.satellites).padStart(2, '0');
  return sentence([`${fields.talker}GGA`, formatUtcTime(fields.epochMs), ...position, String(fields.quality), satellites, hdop, ...altitude, ...geoid, '', ''].join(','));
}

/** An RMC sentence with the NMEA 2.3 mode indicator and an empty magnetic variation, as u-blox modules print it. */
export function formatRmc(fields: RmcFields): string {
  const decimals = fields.minuteDecimals ?? 4;
  const fixed = fields.valid && fields.latitude !== undefined && fields.longitude !== undefined;
  const position = fixed ? [...formatCoordinate(fields.latitude!, 2, decimals, 'N', 'S'), ...formatCoordinate(fields.longitude!, 3, decimals, 'E', 'W')] : ['', '', '', ''];
  const speed = fixed && fields.speed !== undefined ? (fields.speed / KNOT_IN_METRES_PER_SECOND).toFixed(3) : '';
  const course = fixed && fields.course !== undefined ? fields.course.toFixed(2) : '';
  return sentence([`${fields.talker}RMC`, formatUtcTime(fields.epochMs), fixed ? 'A' : 'V', ...position, speed, course, formatUtcDate(fields.epochMs), '', '', fixed ? 'A' : 'N'].join(','));
}

/** Signed degrees to `ddmm.mmmm` (or `dddmm.mmmm`) and its hemisphere letter. */
export function formatCoordinate(degrees: number, degreeDigits: number, minuteDecimals: number, positive: string, negative: string): [string, string] {
  const unitsPerMinute = 10 ** minuteDecimals;
  const units = Math.round(Math.abs(degrees) * 60 * unitsPerMinute);
  const whole = Math.floor(units / (60 * unitsPerMinute));
  const minuteUnits = units - whole * 60 * unitsPerMinute;
  const minutes = (minuteUnits / unitsPerMinute).toFixed(minuteDecimals).padStart(minuteDecimals + 3, '0');
  return [`${String(whole).padStart(degreeDigits, '0')}${minutes}`, degrees < 0 ? negative : positive];
}

/** `hhmmss.ss` of an epoch time, UTC. */
export function formatUtcTime(epochMs: number): string {
  const centiseconds = Math.round(epochMs / 10);
  const date = new Date(centiseconds * 10);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}.${two(centiseconds % 100)}`;
}

/** `ddmmyy` of an epoch time, UTC. */
export function formatUtcDate(epochMs: number): string {
  const date = new Date(Math.round(epochMs / 10) * 10);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getUTCDate())}${two(date.getUTCMonth() + 1)}${two(date.getUTCFullYear() % 100)}`;
}
