import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { parseSentence, splitSentences, type GgaSentence, type RmcSentence } from '../../src/drivers/nmea-gps/decode.js';
import type { Emission } from '../../simulators/devices/periodic.js';
import { NmeaGpsDevice, nmeaFixSentences } from '../../simulators/devices/nmea-gps.js';
import { noFaults } from '../../simulators/faults.js';
import { GpsTrackModel, type GpsTrackSample } from '../../simulators/models/gps-track.js';

const START = Date.UTC(2026, 4, 12, 6);
const RESOLUTION_DEG = 1e-4 / 60;

function device(options: Partial<ConstructorParameters<typeof NmeaGpsDevice>[0]> = {}) {
  const clock = new VirtualClock(START);
  const written: Buffer[] = [];
  const twin = new NmeaGpsDevice(
    { seed: 5, intervalMs: 1000, faults: noFaults, talker: 'GP', startLatitude: 53.5405, startLongitude: 9.9351, fixLossRate: 0, ...options },
    { write: (data) => written.push(data) > 0 },
    clock,
  );
  const emissions: Emission<GpsTrackSample>[] = [];
  twin.onEmit((emission) => emissions.push(emission));
  return { clock, twin, written, emissions };
}

function haversineMetres(a: GpsTrackSample, b: GpsTrackSample): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.latitude - a.latitude) * rad) / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(((b.longitude - a.longitude) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

describe('gps track model', () => {
  it('drives a plausible, reproducible track', () => {
    const run = (seed: number) => {
      const model = new GpsTrackModel({ seed });
      return Array.from({ length: 3600 }, (_, index) => model.sample(START + index * 1000));
    };
    const track = run(2);
    expect(run(2)).toEqual(track);
    expect(run(3)).not.toEqual(track);
    for (let index = 1; index < track.length; index++) {
      const [before, after] = [track[index - 1]!, track[index]!];
      expect(haversineMetres(before, after)).toBeCloseTo(after.speed, 3); // one second at the new speed
      expect(after.speed).toBeGreaterThanOrEqual(0);
      expect(after.speed).toBeLessThan(16);
      expect(after.course).toBeGreaterThanOrEqual(0);
      expect(after.course).toBeLessThan(360);
      if (after.fix) expect(after.satellites).toBeGreaterThanOrEqual(6);
      expect(after.satellites).toBeLessThanOrEqual(12);
    }
    expect(track.some((sample) => !sample.fix)).toBe(true); // an hour without an underpass is unlikely at the default rate
    expect(track.some((sample) => sample.speed === 0)).toBe(true);
  });
});

describe('nmea-gps twin', () => {
  it('prints GGA then RMC once a second, CRLF-terminated, with sound checksums and the model values', () => {
    const { clock, twin, written, emissions } = device();
    twin.start();
    clock.advance(5000);
    expect(written).toHaveLength(5);
    for (const emission of emissions) {
      const text = emission.bytes.toString('latin1');
      expect(text).toMatch(/^\$GPGGA,[^\r\n]*\*[0-9A-F]{2}\r\n\$GPRMC,[^\r\n]*\*[0-9A-F]{2}\r\n$/);
      expect(text).toBe(nmeaFixSentences(emission.values, emission.time).join(''));
      const [gga, rmc] = text.split('\r\n').map((line) => parseSentence(line));
      const ggaFix = (gga as { sentence: GgaSentence }).sentence;
      const rmcFix = (rmc as { sentence: RmcSentence }).sentence;
      expect(Math.abs(ggaFix.latitude! - emission.values.latitude)).toBeLessThanOrEqual(RESOLUTION_DEG / 2 + 1e-12);
      expect(Math.abs(rmcFix.longitude! - emission.values.longitude)).toBeLessThanOrEqual(RESOLUTION_DEG / 2 + 1e-12);
      expect(Math.abs(ggaFix.altitude! - emission.values.altitude)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(ggaFix).toMatchObject({ quality: 1, satellites: emission.values.satellites });
      expect(rmcFix.valid).toBe(true);
    }
    // Sentences printed mid-second carry the fix of the last whole second, as a receiver's do.
    expect(twin.emitAt(START + 7_700)!.bytes.toString('latin1')).toMatch(/^\$GPGGA,060007\.00,.*\r\n\$GPRMC,060007\.00,A,.*,120526,,,A\*[0-9A-F]{2}\r\n$/);
    twin.stop();
    clock.advance(5000);
    expect(written).toHaveLength(6);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('prints empty sentences, quality 0 and status V, while the fix is lost', () => {
    const { clock, twin, emissions } = device({ fixLossRate: 0.2 });
    twin.start();
    clock.advance(60_000);
    const lost = emissions.filter((emission) => !emission.values.fix);
    expect(lost.length).toBeGreaterThan(0);
    for (const emission of lost) {
      const [gga, rmc] = emission.bytes.toString('latin1').split('\r\n');
      expect(gga).toMatch(/^\$GPGGA,\d{6}\.\d{2},,,,,0,0\d,99\.99,,,,,,\*[0-9A-F]{2}$/);
      expect(rmc).toMatch(/^\$GPRMC,\d{6}\.\d{2},V,,,,,,,\d{6},,,N\*[0-9A-F]{2}$/);
    }
  });

  it('corrupts one character between $ and * of one sentence for bad-checksum, and cuts for truncated', () => {
    const { twin, emissions } = device();
    twin.faults.inject('bad-checksum', 50);
    for (let index = 0; index < 50; index++) twin.emitAt(START + index * 1000);
    for (const emission of emissions) {
      expect(emission.fault).toBe('bad-checksum');
      const intact = nmeaFixSentences(emission.values, emission.time).join('');
      const text = emission.bytes.toString('latin1');
      expect(text).toHaveLength(intact.length);
      const differing = [...text].flatMap((char, index) => (char === intact[index] ? [] : [index]));
      expect(differing).toHaveLength(1);
      const outcomes = splitSentences(text.replace(/\r\n/g, '')).candidates.map((candidate) => parseSentence(candidate).kind);
      expect(outcomes.sort()).toEqual(['bad-checksum', 'fix']);
    }
    twin.faults.inject('truncated');
    const cut = twin.emitAt(START + 60_000)!;
    expect(cut.bytes.length).toBeLessThan(nmeaFixSentences(cut.values, cut.time).join('').length);
  });
});
