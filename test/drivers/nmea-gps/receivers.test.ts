/**
 * The nmea-gps driver against what receivers print: a real u-blox 6 capture, and the GPS twin
 * under every combination of its options (talker GP/GN/GL/GA/GB, NMEA 2.3 or 4.10, 4 or 5
 * decimals of a minute). Every sound sentence is accepted, the position read is the model's
 * within half the last printed digit, and broken sentences are counted and skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import { nmeaChecksum } from '../../../src/drivers/nmea-gps/decode.js';
import { sentence } from '../../../src/drivers/nmea-gps/encode.js';
import { nmeaGpsDriver } from '../../../src/drivers/nmea-gps/index.js';
import { NmeaGpsDevice } from '../../../simulators/devices/nmea-gps.js';
import type { Emission } from '../../../simulators/devices/periodic.js';
import { noFaults } from '../../../simulators/faults.js';
import type { GpsTrackSample } from '../../../simulators/models/gps-track.js';
import { harness } from '../../support/driver-harness.js';

const START = Date.UTC(2026, 4, 12, 6);
const SEED = 20261130;

/**
 * Two seconds of a u-blox NEO-6 at its default settings, as captured and published with the
 * straightedge GPS firmware (ublox-nmea-data.txt). Course is empty: the module was nearly still.
 */
const NEO6_CAPTURE = [
  '$GPRMC,054423.00,A,3746.79275,N,12224.40754,W,1.730,,050815,,,A*67',
  '$GPVTG,,T,,M,1.730,N,3.204,K,A*23',
  '$GPGGA,054423.00,3746.79275,N,12224.40754,W,1,05,2.58,73.0,M,-29.7,M,,*58',
  '$GPGSA,A,3,14,22,19,04,27,,,,,,,,6.04,2.58,5.46*04',
  '$GPGSV,4,1,13,01,09,314,,04,35,312,07,08,34,276,22,11,20,312,19*73',
  '$GPGSV,4,2,13,14,83,095,16,18,31,076,06,19,41,266,14,21,12,136,17*7C',
  '$GPGSV,4,3,13,22,63,045,22,24,14,045,,27,33,226,25,31,12,167,08*77',
  '$GPGSV,4,4,13,32,24,278,*41',
  '$GPGLL,3746.79275,N,12224.40754,W,054423.00,A,A*72',
  '$GPRMC,054424.00,A,3746.79173,N,12224.40646,W,2.110,,050815,,,A*60',
  '$GPVTG,,T,,M,2.110,N,3.908,K,A*23',
  '$GPGGA,054424.00,3746.79173,N,12224.40646,W,1,05,2.58,75.0,M,-29.7,M,,*5E',
  '$GPGSA,A,3,14,22,19,04,27,,,,,,,,6.04,2.58,5.46*04',
  '$GPGSV,4,1,13,01,09,314,,04,35,312,07,08,34,276,22,11,20,312,19*73',
  '$GPGSV,4,2,13,14,83,092,15,18,31,076,06,19,41,266,12,21,12,136,14*7D',
  '$GPGSV,4,3,13,22,63,045,22,24,14,045,,27,33,226,24,31,12,167,08*76',
  '$GPGSV,4,4,13,32,24,278,*41',
  '$GPGLL,3746.79173,N,12224.40646,W,054424.00,A,A*72',
];

const sensors = (['latitude', 'longitude', 'altitude', 'satellites', 'time'] as const).map((field) => [field, undefined, { field }] as [string, undefined, { field: string }]);

/** The lines of a stream as the transport frames them: split at LF, the CR left on. */
const framed = (text: string) => text.split('\n').filter((line) => line !== '');

describe('nmea-gps driver and real receivers', () => {
  it('reads a NEO-6 capture: every sentence sound, the position from RMC, altitude and satellites from GGA, the rest skipped', () => {
    for (const line of NEO6_CAPTURE) expect(Number.parseInt(line.slice(-2), 16)).toBe(nmeaChecksum(line.slice(1, -3)));
    const under = harness(nmeaGpsDriver, {}, sensors);
    for (const line of NEO6_CAPTURE) under.line(`${line}\r`);
    expect(under.readings.map((reading) => [reading.name, reading.value])).toEqual([
      ['latitude', 37 + 46.79275 / 60],
      ['longitude', -(122 + 24.40754 / 60)],
      ['time', Date.UTC(2015, 7, 5, 5, 44, 23) / 1000],
      ['altitude', 73.0],
      ['satellites', 5],
      ['latitude', 37 + 46.79173 / 60],
      ['longitude', -(122 + 24.40646 / 60)],
      ['time', Date.UTC(2015, 7, 5, 5, 44, 24) / 1000],
      ['altitude', 75.0],
      ['satellites', 5],
    ]);
    expect(under.problems.snapshot()).toEqual({});
  });

  it('reads NMEA 4.10 sentences: RMC with its navigational status, GSA and GSV with system and signal IDs', () => {
    const under = harness(nmeaGpsDriver, {}, sensors);
    for (const body of [
      'GNRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A,V',
      'GNGGA,083559.00,4717.11437,N,00833.91522,E,1,14,0.81,499.6,M,48.0,M,,',
      'GNGSA,A,3,01,03,10,16,27,,,,,,,,1.71,0.95,1.42,1',
      'GNGSA,A,3,74,79,86,87,,,,,,,,,1.71,0.95,1.42,2',
      'GPGSV,2,2,08,16,76,083,45,26,48,065,17,27,82,108,46,31,47,239,17,1',
      'GLGSV,2,2,07,86,79,152,46,87,78,180,46,88,17,196,14,1',
    ])
      under.line(sentence(body).replace(/\n$/, ''));
    expect(under.readings.map((reading) => reading.name)).toEqual(['latitude', 'longitude', 'time', 'altitude', 'satellites']);
    expect(under.readings[0]!.value).toBe(47 + 17.11437 / 60);
    expect(under.problems.snapshot()).toEqual({});
  });
});

/** `seconds` seconds of the twin under `options`, as emitted. */
function twinOutput(options: Partial<ConstructorParameters<typeof NmeaGpsDevice>[0]>, seconds: number): { twin: NmeaGpsDevice; emissions: Emission<GpsTrackSample>[] } {
  const clock = new VirtualClock(START);
  const twin = new NmeaGpsDevice({ seed: 1, intervalMs: 1000, faults: noFaults, talker: 'GP', startLatitude: 53.5405, startLongitude: 9.9351, fixLossRate: 0, ...options }, { write: () => true }, clock);
  const emissions: Emission<GpsTrackSample>[] = [];
  twin.onEmit((emission) => emissions.push(emission));
  twin.start();
  clock.advance(seconds * 1000);
  twin.stop();
  return { twin, emissions };
}

describe('nmea-gps driver and the GPS twin in every dialect', () => {
  const dialect = fc.record({
    talker: fc.constantFrom('GP' as const, 'GN' as const, 'GL' as const, 'GA' as const, 'GB' as const),
    nmeaVersion: fc.constantFrom('2.3' as const, '4.10' as const),
    minuteDecimals: fc.constantFrom(4, 5),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    startLatitude: fc.double({ min: -84, max: 84, noNaN: true }),
    startLongitude: fc.double({ min: -180, max: 180, noNaN: true }),
    fixLossRate: fc.constantFrom(0, 0.1),
  });

  it('decodes whatever the twin prints to the model position, within half the last printed digit of a minute', () => {
    fc.assert(
      fc.property(dialect, (options) => {
        const { emissions } = twinOutput(options, 20);
        const under = harness(nmeaGpsDriver, {}, sensors, START);
        const expected: [string, number, number][] = [];
        const half = 0.5 * 10 ** -options.minuteDecimals / 60;
        for (const emission of emissions) {
          for (const line of framed(emission.bytes.toString('latin1'))) under.line(line);
          const { fix, latitude, longitude, altitude, satellites } = emission.values;
          if (fix) expected.push(['latitude', latitude, half], ['longitude', longitude, half], ['time', Math.floor(emission.time / 1000), 0], ['altitude', altitude, 0.05]);
          expected.push(['satellites', satellites, 0]);
        }
        expect(under.readings.map((reading) => reading.name)).toEqual(expected.map(([name]) => name));
        under.readings.forEach((reading, index) => {
          const [, value, tolerance] = expected[index]!;
          expect(Math.abs((reading.value as number) - value)).toBeLessThanOrEqual(tolerance + 1e-9);
        });
        // GGA and RMC of each fixless second count as no-fix; nothing else is a problem.
        const lost = emissions.filter((emission) => !emission.values.fix).length;
        expect(under.problems.snapshot()).toEqual(lost > 0 ? { 'no-fix': 2 * lost } : {});
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('counts and skips a malformed or damaged sentence, and reads the rest of the second', () => {
    fc.assert(
      fc.property(dialect, fc.integer({ min: 0, max: 1_000 }), (options, pick) => {
        const { emissions } = twinOutput({ ...options, fixLossRate: 0 }, 2);
        const lines = framed(emissions[1]!.bytes.toString('latin1'));
        const ggaAt = lines.findIndex((line) => line.slice(3, 6) === 'GGA');
        // A GGA whose latitude is not a number, with a sound checksum: malformed.
        const fields = lines[ggaAt]!.slice(1, lines[ggaAt]!.indexOf('*')).split(',');
        fields[2] = 'ab.cdefg';
        lines[ggaAt] = sentence(fields.join(',')).replace(/\n$/, '');
        // Another sentence with one character changed: a bad checksum.
        const others = lines.map((_, index) => index).filter((index) => index !== ggaAt && index !== 0);
        const damaged = others[pick % others.length]!;
        const star = lines[damaged]!.indexOf('*');
        lines[damaged] = `${lines[damaged]!.slice(0, star - 1)}${lines[damaged]![star - 1] === '9' ? '8' : '9'}${lines[damaged]!.slice(star)}`;
        const under = harness(nmeaGpsDriver, {}, sensors, START);
        for (const line of lines) under.line(line);
        expect(under.problems.snapshot()).toEqual({ 'malformed-sentence': 1, 'bad-checksum': 1 });
        // The RMC still gave the position and the time.
        expect(under.readings.map((reading) => reading.name)).toEqual(['latitude', 'longitude', 'time']);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
