import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { nmeaChecksum, parseSentence, splitSentences, type GgaSentence, type RmcSentence } from '../../src/drivers/nmea-gps/decode.js';
import type { Emission } from '../../simulators/devices/periodic.js';
import { z } from 'zod';
import { NmeaGpsDevice, nmeaGpsSimulatorShape } from '../../simulators/devices/nmea-gps.js';
import { noFaults } from '../../simulators/faults.js';
import { GpsTrackModel, type GpsTrackSample } from '../../simulators/models/gps-track.js';

const START = Date.UTC(2026, 4, 12, 6);
/** The last printed digit of a 5-decimal minute, in degrees. */
const RESOLUTION_DEG = 1e-5 / 60;

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

const SENTENCE = /^\$([^*$]*)\*([0-9A-F]{2})$/;

/** The lines of one second, each checked: `$`, checksum, CR LF; returns them without line ends. */
function linesOf(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  expect(text.endsWith('\r\n')).toBe(true);
  const lines = text.slice(0, -2).split('\r\n');
  for (const line of lines) {
    const match = SENTENCE.exec(line);
    expect(match, line).not.toBeNull();
    expect(Number.parseInt(match![2]!, 16)).toBe(nmeaChecksum(match![1]!));
    expect(line.length + 2).toBeLessThanOrEqual(82); // NMEA 0183: 82 characters with CR LF
  }
  return lines;
}

const typesOf = (lines: string[]) => lines.map((line) => line.slice(1, 6));

describe('nmea-gps twin', () => {
  it('prints what a u-blox 6 prints by default: RMC, VTG, GGA, GSA, GSV, GLL each second, 5 minute decimals, the model values', () => {
    const { clock, twin, written, emissions } = device();
    twin.start();
    clock.advance(5000);
    expect(written).toHaveLength(5);
    for (const emission of emissions) {
      const lines = linesOf(emission.bytes);
      const gsvCount = lines.filter((line) => line.startsWith('$GPGSV')).length;
      expect(typesOf(lines)).toEqual(['GPRMC', 'GPVTG', 'GPGGA', 'GPGSA', ...Array(gsvCount).fill('GPGSV'), 'GPGLL']);
      expect(lines.join('\r\n') + '\r\n').toBe(twin.sentences(emission.values, emission.time).join(''));
      const [rmc, vtg, gga, gsa] = lines;
      const gll = lines.at(-1)!;
      // Field layouts of the u-blox 6 receiver description, as a NEO-6 prints them.
      expect(rmc).toMatch(/^\$GPRMC,\d{6}\.00,A,\d{4}\.\d{5},[NS],\d{5}\.\d{5},[EW],\d+\.\d{3},(\d+\.\d{2})?,\d{6},,,A\*/); // no course while standing
      expect(vtg).toMatch(/^\$GPVTG,(\d+\.\d{2})?,T,,M,\d+\.\d{3},N,\d+\.\d{3},K,A\*/);
      expect(gga).toMatch(/^\$GPGGA,\d{6}\.00,\d{4}\.\d{5},[NS],\d{5}\.\d{5},[EW],1,\d{2},\d+\.\d{2},-?\d+\.\d,M,-?\d+\.\d,M,,\*/);
      expect(gsa).toMatch(/^\$GPGSA,A,3,(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),(\d{2}|),\d+\.\d{2},\d+\.\d{2},\d+\.\d{2}\*/);
      expect(gll).toMatch(/^\$GPGLL,\d{4}\.\d{5},[NS],\d{5}\.\d{5},[EW],\d{6}\.00,A,A\*/);
      // GSV: sentences in the group, this one's number, satellites in view, then up to four satellites.
      const gsv = lines.filter((line) => line.startsWith('$GPGSV')).map((line) => line.slice(0, -3).split(','));
      const inView = Number(gsv[0]![3]);
      expect(gsv.map((fields) => [Number(fields[1]), Number(fields[2]), Number(fields[3])])).toEqual(gsv.map((_, index) => [Math.ceil(inView / 4), index + 1, inView]));
      const satellites = gsv.flatMap((fields) => fields.slice(4)).join(',').split(',');
      expect(satellites).toHaveLength(inView * 4);
      for (let at = 0; at < satellites.length; at += 4) expect(satellites.slice(at, at + 4).join(',')).toMatch(/^\d{2},\d{2},\d{3},(\d{2})?$/);
      // GSA names the satellites used, as many as GGA counts; each is in view and tracked.
      const used = gsa!.split(',').slice(3, 15).filter((id) => id !== '');
      expect(used).toHaveLength(emission.values.satellites);
      for (const id of used) expect(satellites.some((field, at) => at % 4 === 0 && field === id && satellites[at + 3] !== '')).toBe(true);
      const [rmcFix, ggaFix] = [parseSentence(rmc!), parseSentence(gga!)].map((outcome) => (outcome as { sentence: GgaSentence | RmcSentence }).sentence) as [RmcSentence, GgaSentence];
      expect(Math.abs(ggaFix.latitude! - emission.values.latitude)).toBeLessThanOrEqual(RESOLUTION_DEG / 2 + 1e-12);
      expect(Math.abs(rmcFix.longitude! - emission.values.longitude)).toBeLessThanOrEqual(RESOLUTION_DEG / 2 + 1e-12);
      expect(Math.abs(ggaFix.altitude! - emission.values.altitude)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(ggaFix).toMatchObject({ quality: 1, satellites: emission.values.satellites });
      expect(rmcFix.valid).toBe(true);
      for (const line of lines.slice(1)) expect(['fix', 'ignored']).toContain(parseSentence(line).kind);
    }
    // Sentences printed mid-second carry the fix of the last whole second, as a receiver's do.
    expect(twin.emitAt(START + 7_700)!.bytes.toString('latin1')).toMatch(/^\$GPRMC,060007\.00,A,.*,120526,,,A\*[0-9A-F]{2}\r\n\$GPVTG,.*\r\n\$GPGGA,060007\.00,.*\$GPGLL,[^\r]*,060007\.00,A,A\*[0-9A-F]{2}\r\n$/s);
    twin.stop();
    clock.advance(5000);
    expect(written).toHaveLength(6);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('prints no position while the fix is lost: status V, quality 0, GSA mode 1, DOPs 99.99, mode N', () => {
    const { clock, twin, emissions } = device({ fixLossRate: 0.2 });
    twin.start();
    clock.advance(60_000);
    const lost = emissions.filter((emission) => !emission.values.fix);
    expect(lost.length).toBeGreaterThan(0);
    for (const emission of lost) {
      const lines = linesOf(emission.bytes);
      expect(lines[0]).toMatch(/^\$GPRMC,\d{6}\.00,V,,,,,,,\d{6},,,N\*[0-9A-F]{2}$/);
      expect(lines[1]).toMatch(/^\$GPVTG,,,,,,,,,N\*[0-9A-F]{2}$/);
      expect(lines[2]).toMatch(/^\$GPGGA,\d{6}\.00,,,,,0,0\d,99\.99,,,,,,\*[0-9A-F]{2}$/);
      expect(lines[3]).toMatch(/^\$GPGSA,A,1,,,,,,,,,,,,,99\.99,99\.99,99\.99\*[0-9A-F]{2}$/);
      expect(lines.at(-1)).toMatch(/^\$GPGLL,,,,,\d{6}\.00,V,N\*[0-9A-F]{2}$/);
    }
  });

  it('prints as a multi-GNSS NMEA 4.10 receiver with 4 minute decimals when told', () => {
    const { clock, twin, emissions } = device({ talker: 'GN', nmeaVersion: '4.10', minuteDecimals: 4 });
    twin.start();
    clock.advance(3000);
    for (const emission of emissions) {
      const lines = linesOf(emission.bytes);
      const types = typesOf(lines);
      const gp = types.filter((type) => type === 'GPGSV').length;
      const gl = types.filter((type) => type === 'GLGSV').length;
      expect(types).toEqual(['GNRMC', 'GNVTG', 'GNGGA', 'GNGSA', 'GNGSA', ...Array(gp).fill('GPGSV'), ...Array(gl).fill('GLGSV'), 'GNGLL']);
      expect(gl).toBeGreaterThan(0);
      expect(lines[0]).toMatch(/^\$GNRMC,\d{6}\.00,A,\d{4}\.\d{4},N,\d{5}\.\d{4},E,.*,A,V\*/); // mode A, navigational status V
      // One GSA per system, ending in its system ID (1 GPS, 2 GLONASS); GLONASS IDs are 65-96.
      expect(lines[3]!.split('*')[0]!.split(',').at(-1)).toBe('1');
      expect(lines[4]!.split('*')[0]!.split(',').at(-1)).toBe('2');
      for (const id of lines[4]!.split(',').slice(3, 15).filter((field) => field !== '')) expect(Number(id)).toBeGreaterThanOrEqual(65);
      const usedIds = lines.slice(3, 5).flatMap((line) => line.split(',').slice(3, 15).filter((field) => field !== ''));
      expect(usedIds).toHaveLength(emission.values.satellites);
      // GSV ends in its signal ID (1: L1C/A, L1OF): 4 × 4 satellite fields + 4 header fields + 1.
      for (const line of lines.filter((text) => /GSV/.test(text))) expect((line.split('*')[0]!.split(',').length - 5) % 4).toBe(0);
      const gga = parseSentence(lines[2]!) as { sentence: GgaSentence };
      expect(Math.abs(gga.sentence.latitude! - emission.values.latitude)).toBeLessThanOrEqual(0.5e-4 / 60 + 1e-12);
    }
  });

  it('takes its options through the schema: u-blox 6 by default, the NMEA version as YAML reads it (4.10 is the number 4.1)', () => {
    const schema = z.strictObject(nmeaGpsSimulatorShape);
    expect(schema.parse({})).toMatchObject({ talker: 'GP', nmeaVersion: '2.3', minuteDecimals: 5 });
    expect(schema.parse({ nmeaVersion: 4.1, minuteDecimals: 4, talker: 'GN' })).toMatchObject({ nmeaVersion: '4.10', minuteDecimals: 4 });
    expect(schema.safeParse({ nmeaVersion: 3 }).success).toBe(false);
    expect(schema.safeParse({ minuteDecimals: 6 }).success).toBe(false);
  });

  it('fits each second in 9600 baud with room to spare, whatever it is set to print', () => {
    // 9600 baud 8N1 carries 960 bytes a second; a second's sentences must leave a quarter of that free.
    for (const options of [{}, { talker: 'GN' as const, nmeaVersion: '4.10' as const }, { minuteDecimals: 4 }]) {
      const { clock, twin, emissions } = device({ fixLossRate: 0.02, ...options });
      twin.start();
      clock.advance(600_000);
      twin.stop();
      const largest = Math.max(...emissions.map((emission) => emission.bytes.length));
      expect(largest).toBeLessThanOrEqual(720);
    }
  });

  it('corrupts one character between $ and * of one sentence for bad-checksum, and cuts for truncated', () => {
    const { twin, emissions } = device();
    twin.faults.inject('bad-checksum', 50);
    for (let index = 0; index < 50; index++) twin.emitAt(START + index * 1000);
    for (const emission of emissions) {
      expect(emission.fault).toBe('bad-checksum');
      const intact = twin.sentences(emission.values, emission.time).join('');
      const text = emission.bytes.toString('latin1');
      expect(text).toHaveLength(intact.length);
      const differing = [...text].flatMap((char, index) => (char === intact[index] ? [] : [index]));
      expect(differing).toHaveLength(1);
      const outcomes = splitSentences(text.replace(/\r\n/g, '')).candidates.map((candidate) => parseSentence(candidate).kind);
      expect(outcomes.filter((kind) => kind === 'bad-checksum')).toHaveLength(1);
      expect(outcomes.every((kind) => kind === 'bad-checksum' || kind === 'fix' || kind === 'ignored')).toBe(true);
    }
    twin.faults.inject('truncated');
    const cut = twin.emitAt(START + 60_000)!;
    expect(cut.bytes.length).toBeLessThan(twin.sentences(cut.values, cut.time).join('').length);
  });
});
