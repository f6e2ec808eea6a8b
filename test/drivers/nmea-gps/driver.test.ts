import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOT_IN_METRES_PER_SECOND } from '../../../src/drivers/nmea-gps/decode.js';
import { formatGga, formatRmc, sentence } from '../../../src/drivers/nmea-gps/encode.js';
import { nmeaGpsDriver } from '../../../src/drivers/nmea-gps/index.js';
import type { NmeaGpsField } from '../../../src/drivers/nmea-gps/schema.js';
import { harness } from '../../support/driver-harness.js';
import { PROPERTY_TIMEOUT_MS } from '../frame-properties.js';
import { checkLineDriverProperties } from './line-properties.js';

const CLASSIC_GGA = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';
const CLASSIC_RMC = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A';

const units: Record<NmeaGpsField, string | undefined> = {
  latitude: 'lat',
  longitude: 'lon',
  altitude: 'm',
  fix: undefined,
  satellites: 'count',
  hdop: undefined,
  speed: 'm/s',
  course: 'deg',
  time: 's',
};
const allFields = Object.keys(units) as NmeaGpsField[];
const sensorsFor = (fields: readonly NmeaGpsField[]): [string, string | undefined, { field: NmeaGpsField }][] => fields.map((field) => [field, units[field], { field }]);

describe('nmea-gps driver', () => {
  it('reports each fix epoch once: GGA values, then what only RMC has, with SenML units', () => {
    const under = harness(nmeaGpsDriver, {}, sensorsFor(allFields));
    under.line(`${CLASSIC_GGA}\r`);
    under.line(`${CLASSIC_RMC}\r`);
    expect(under.readings.map((reading) => [reading.name, reading.value, reading.unit])).toEqual([
      ['latitude', 48 + 7.038 / 60, 'lat'],
      ['longitude', 11 + 31 / 60, 'lon'],
      ['altitude', 545.4, 'm'],
      ['fix', 1, undefined],
      ['satellites', 8, 'count'],
      ['hdop', 0.9, undefined],
      ['speed', 22.4 * KNOT_IN_METRES_PER_SECOND, 'm/s'],
      ['course', 84.4, 'deg'],
      ['time', Date.UTC(1994, 2, 23, 12, 35, 19) / 1000, 's'],
    ]);
    expect(under.readings.every((reading) => reading.time === under.clock.now())).toBe(true);
    expect(under.problems.snapshot()).toEqual({});
  });

  it('takes the position from RMC when it comes first in the epoch (the u-blox order), or when GGA was lost', () => {
    const under = harness(nmeaGpsDriver, {}, sensorsFor(['latitude', 'altitude']));
    under.line(`${CLASSIC_RMC}\r`);
    under.line(`${CLASSIC_GGA}\r`);
    expect(under.readings.map((reading) => reading.name)).toEqual(['latitude', 'altitude']);
    under.line(`${sentence('GPGGA,123520,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,').trim().replace(/..$/, '00')}\r`);
    under.line(`${sentence('GPRMC,123520,A,4807.040,N,01131.000,E,022.4,084.4,230394,003.1,W').trim()}\r`);
    expect(under.readings.map((reading) => [reading.name, reading.value])).toEqual([
      ['latitude', 48 + 7.038 / 60],
      ['altitude', 545.4],
      ['latitude', 48 + 7.04 / 60],
    ]);
    expect(under.problems.snapshot()).toEqual({ 'bad-checksum': 1 });
  });

  it('counts a fixless epoch as no-fix and still reports fix quality and satellites', () => {
    const under = harness(nmeaGpsDriver, {}, sensorsFor(['latitude', 'fix', 'satellites', 'time']));
    under.line('$GPGGA,,,,,,0,00,99.99,,,,,,*48\r');
    under.line('$GPRMC,,V,,,,,,,,,,N*53\r');
    expect(under.readings.map((reading) => [reading.name, reading.value])).toEqual([
      ['fix', 0],
      ['satellites', 0],
    ]);
    expect(under.problems.snapshot()).toEqual({ 'no-fix': 2 });
  });

  it('counts corrupt, malformed and stray text, ignores other sentence types, and recovers what follows', () => {
    const under = harness(nmeaGpsDriver, {}, sensorsFor(['latitude']));
    under.line('');
    under.line('\r');
    under.line(`${sentence('GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00').trim()}\r`);
    under.line(`${CLASSIC_GGA.replace('4807', '4808')}\r`);
    under.line(`${sentence('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M').trim().replace('4807', '4877').slice(0, -2)}00\r`);
    under.line(`${sentence('GPGGA,123519,4877.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,').trim()}\r`);
    under.line(`\u00ff\u0013noise$GPRMC,1235${CLASSIC_GGA}\r`);
    expect(under.readings.map((reading) => reading.value)).toEqual([48 + 7.038 / 60]);
    expect(under.problems.snapshot()).toEqual({ 'bad-checksum': 3, 'malformed-sentence': 1, 'garbage-bytes': 1 });
  });

  it('survives random and mutated line streams and recovers every valid sentence (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    const base = Date.UTC(2026, 4, 12, 6);
    const minutes = (units: number) => units / 600_000; // 1e-4 minute units to degrees
    const fixValues = fc.record({
      rmc: fc.boolean(),
      talker: fc.constantFrom('GP', 'GN', 'GL', 'GA'),
      latitude: fc.integer({ min: -90 * 600_000, max: 90 * 600_000 }).map(minutes),
      longitude: fc.integer({ min: -180 * 600_000, max: 180 * 600_000 }).map(minutes),
      quality: fc.integer({ min: 1, max: 8 }),
      satellites: fc.integer({ min: 0, max: 24 }),
      hdop: fc.integer({ min: 50, max: 9999 }).map((n) => n / 100),
      altitude: fc.integer({ min: -4000, max: 90000 }).map((n) => n / 10),
      knots: fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1000),
      course: fc.integer({ min: 0, max: 35999 }).map((n) => n / 100),
    });
    type FixValues = typeof fixValues extends fc.Arbitrary<infer V> ? V : never;
    checkLineDriverProperties<FixValues>({
      definition: nmeaGpsDriver,
      device: {},
      sensors: sensorsFor(allFields),
      values: fixValues,
      encode: (values, index) => {
        const epochMs = base + index * 1000;
        return values.rmc
          ? formatRmc({ ...values, epochMs, valid: true, speed: values.knots * KNOT_IN_METRES_PER_SECOND })
          : formatGga({ ...values, epochMs, geoidSeparation: 46.9 });
      },
      expected: (values, index) =>
        values.rmc
          ? [
              ['latitude', values.latitude],
              ['longitude', values.longitude],
              ['speed', values.knots * KNOT_IN_METRES_PER_SECOND],
              ['course', values.course],
              ['time', (base + index * 1000) / 1000],
            ]
          : [
              ['latitude', values.latitude],
              ['longitude', values.longitude],
              ['altitude', values.altitude],
              ['fix', values.quality],
              ['satellites', values.satellites],
              ['hdop', values.hdop],
            ],
      ignored: ['GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00', 'GNGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1', 'GPVTG,054.7,T,034.4,M,005.5,N,010.2,K', 'PUBX,00,081350.00'].map(sentence),
      checkedSpan: (line) => [1, line.indexOf('*')],
      corruptKind: 'bad-checksum',
      tolerance: 1e-9,
    });
  });
});
