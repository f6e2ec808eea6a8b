import { describe, expect, it } from 'vitest';
import { decodeGga, gpsTimeFromRmc, nmeaChecksum, parseLatitude, parseLongitude, parseSentence, splitSentences, utcDate, type RmcSentence } from '../../../src/drivers/nmea-gps/decode.js';
import { formatCoordinate, formatGga, formatRmc, sentence } from '../../../src/drivers/nmea-gps/encode.js';

// The textbook pair (a fix at 12:35:19 UTC on 23 March 1994 near Munich) and a u-blox 6 pair.
const CLASSIC_GGA = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';
const CLASSIC_RMC = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A';
const UBLOX_GGA = '$GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,*5B';
const UBLOX_RMC = '$GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A*57';

function fix(text: string) {
  const outcome = parseSentence(text);
  if (outcome.kind !== 'fix') throw new Error(`expected a fix, got ${JSON.stringify(outcome)}`);
  return outcome.sentence;
}

describe('nmea-gps sentences', () => {
  it('computes the XOR checksum of the characters between $ and *', () => {
    expect(nmeaChecksum(CLASSIC_GGA.slice(1, -3))).toBe(0x47);
    expect(nmeaChecksum(CLASSIC_RMC.slice(1, -3))).toBe(0x6a);
  });

  it('decodes the classic GGA: time, position, quality, satellites, HDOP, altitude', () => {
    expect(fix(CLASSIC_GGA)).toEqual({
      type: 'GGA',
      talker: 'GP',
      utcTime: '123519',
      quality: 1,
      latitude: 48 + 7.038 / 60,
      longitude: 11 + 31 / 60,
      satellites: 8,
      hdop: 0.9,
      altitude: 545.4,
    });
  });

  it('decodes the classic RMC: status, position, speed in m/s, course, and the date as GPS time', () => {
    const rmc = fix(CLASSIC_RMC) as RmcSentence;
    expect(rmc).toMatchObject({ type: 'RMC', valid: true, latitude: 48 + 7.038 / 60, longitude: 11 + 31 / 60, course: 84.4, date: '230394' });
    expect(rmc.speed).toBeCloseTo((22.4 * 1852) / 3600, 12); // knots to m/s
    expect(gpsTimeFromRmc(rmc)).toBe(Date.UTC(1994, 2, 23, 12, 35, 19));
  });

  it('decodes u-blox sentences (hundredths of seconds, 5 minute decimals, mode indicator) and their GPS time', () => {
    expect(fix(UBLOX_GGA)).toMatchObject({ utcTime: '092725.00', latitude: 47 + 17.11399 / 60, longitude: 8 + 33.9159 / 60, satellites: 8, hdop: 1.01, altitude: 499.6 });
    const rmc = fix(UBLOX_RMC) as RmcSentence;
    expect(rmc).toMatchObject({ valid: true, course: 77.52 });
    expect(gpsTimeFromRmc(rmc)).toBe(Date.UTC(2002, 11, 9, 8, 35, 59));
  });

  it('accepts any talker and south/west hemispheres', () => {
    const glonass = sentence('GNGGA,235959.50,3351.5200,S,15112.6000,W,2,12,0.7,-3.2,M,22.0,M,,').trim();
    expect(fix(glonass)).toMatchObject({ talker: 'GN', quality: 2, latitude: -(33 + 51.52 / 60), longitude: -(151 + 12.6 / 60), altitude: -3.2 });
  });

  it('reads GGA without a fix and RMC with status V or mode N as no fix, without position', () => {
    expect(fix('$GPGGA,,,,,,0,00,99.99,,,,,,*48')).toEqual({ type: 'GGA', talker: 'GP', utcTime: '', quality: 0, satellites: 0 });
    expect(fix('$GPRMC,,V,,,,,,,,,,N*53')).toEqual({ type: 'RMC', talker: 'GP', utcTime: '', valid: false });
    const modeN = sentence('GPRMC,123519,A,4807.038,N,01131.000,E,0.0,,230394,,,N').trim();
    expect(fix(modeN)).toMatchObject({ valid: false });
    expect(gpsTimeFromRmc(fix(modeN) as RmcSentence)).toBeUndefined();
  });

  it('counts a bad, missing or garbled checksum as bad-checksum, accepting lower-case hex', () => {
    expect(parseSentence(CLASSIC_GGA.replace('*47', '*48'))).toMatchObject({ kind: 'bad-checksum', reason: 'checksum 48, computed 47' });
    expect(parseSentence(CLASSIC_GGA.replace('4807.038', '4807.039'))).toMatchObject({ kind: 'bad-checksum' });
    expect(parseSentence(CLASSIC_GGA.slice(0, -3))).toMatchObject({ kind: 'bad-checksum', reason: 'no checksum' });
    expect(parseSentence(`${CLASSIC_GGA}x`)).toMatchObject({ kind: 'bad-checksum' });
    expect(parseSentence(CLASSIC_RMC.replace('*6A', '*6a'))).toMatchObject({ kind: 'fix' });
    expect(parseSentence('$')).toMatchObject({ kind: 'bad-checksum' });
  });

  it('calls a sentence with a sound checksum but impossible content malformed', () => {
    const malformed = (body: string) => parseSentence(sentence(body).trim());
    expect(malformed('GPGGA,123519,4867.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('GGA position') });
    expect(malformed('GPGGA,123519,4807.038,X,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')).toMatchObject({ kind: 'malformed' });
    expect(malformed('GPGGA,123519,4807.038,N,01131.000,E,Q,08,0.9,545.4,M,46.9,M,,')).toMatchObject({ kind: 'malformed', reason: 'GGA fix quality "Q"' });
    expect(malformed('GPGGA,256019,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')).toMatchObject({ kind: 'malformed', reason: 'GGA time "256019"' });
    expect(malformed('GPGGA,123519,4807.038,N')).toMatchObject({ kind: 'malformed', reason: 'GGA with 3 fields, at least 9 expected' });
    expect(malformed('GPRMC,123519,X,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W')).toMatchObject({ kind: 'malformed', reason: 'RMC status "X"' });
    expect(malformed('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,310494,003.1,W')).toMatchObject({ kind: 'malformed', reason: 'RMC date "310494"' });
    expect(malformed('GPRMC,123519,A,4807.038,N,01131.000,E,fast,084.4,230394,003.1,W')).toMatchObject({ kind: 'malformed' });
    expect(malformed('gpgga,1')).toMatchObject({ kind: 'malformed', reason: 'address field "gpgga"' });
    expect(malformed('GPGGA,123519\u0001,4807.038')).toMatchObject({ kind: 'malformed', reason: 'control or non-ASCII characters' });
  });

  it('ignores sound sentences of other types and proprietary ones', () => {
    for (const body of ['GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00', 'GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1', 'GPVTG,054.7,T,034.4,M,005.5,N,010.2,K', 'PUBX,00,081350.00']) {
      expect(parseSentence(sentence(body).trim())).toMatchObject({ kind: 'ignored' });
    }
  });

  it('separates a cut-off sentence from the sound one glued to it, and text before the first $', () => {
    expect(splitSentences(`xx$GPGGA,1235${CLASSIC_GGA}\r`)).toEqual({ stray: 'xx', candidates: ['$GPGGA,1235', CLASSIC_GGA] });
    expect(splitSentences('\r')).toEqual({ stray: '\r', candidates: [] });
  });

  it('rejects coordinates out of range and impossible dates', () => {
    expect(parseLatitude('9100.000', 'N')).toBeUndefined();
    expect(parseLatitude('9000.000', 'S')).toBe(-90);
    expect(parseLongitude('18000.0001', 'E')).toBeUndefined();
    expect(parseLongitude('1800.000', 'E')).toBeUndefined(); // two degree digits: not dddmm
    expect(utcDate('290224')).toBe(Date.UTC(2024, 1, 29));
    expect(utcDate('290223')).toBeUndefined();
    expect(utcDate('010180')).toBe(Date.UTC(1980, 0, 1));
    expect(decodeGga('GP', ['GPGGA', '123519', '4807.038', 'N', '01131.000', 'E', '1', 'x', '0.9', '545.4'])).toBe('GGA satellites "x"');
  });
});

describe('nmea-gps sentence writer (the twin side)', () => {
  it('writes sentences byte for byte as a u-blox module does', () => {
    const gga = formatGga({ talker: 'GP', epochMs: Date.UTC(2002, 11, 9, 9, 27, 25), quality: 1, latitude: 47 + 17.11399 / 60, longitude: 8 + 33.9159 / 60, satellites: 8, hdop: 1.01, altitude: 499.6, geoidSeparation: 48, minuteDecimals: 5 });
    expect(gga).toBe(`${UBLOX_GGA}\r\n`);
    const rmc = formatRmc({ talker: 'GP', epochMs: Date.UTC(2002, 11, 9, 8, 35, 59), valid: true, latitude: 47 + 17.11437 / 60, longitude: 8 + 33.91522 / 60, speed: 0.004 * (1852 / 3600), course: 77.52, minuteDecimals: 5 });
    expect(rmc).toBe(`${UBLOX_RMC}\r\n`);
    expect(formatGga({ talker: 'GP', epochMs: Date.UTC(2026, 0, 1), quality: 0, satellites: 0, hdop: 99.99 })).toBe(`${sentence('GPGGA,000000.00,,,,,0,00,99.99,,,,,,').trim()}\r\n`);
  });

  it('carries rounding into the degrees instead of printing 60 minutes', () => {
    expect(formatCoordinate(48.999_999_9, 2, 4, 'N', 'S')).toEqual(['4900.0000', 'N']);
    expect(formatCoordinate(-0.5, 3, 4, 'E', 'W')).toEqual(['00030.0000', 'W']);
  });
});
