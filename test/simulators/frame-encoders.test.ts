/**
 * The twins' own encoders against what the datasheets print: their example frames where
 * they give one, and, for every frame a twin can build, the checksum recomputed here from
 * the datasheet's own wording. Property runs use fixed seeds, so a failure replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxsonarRangeLine } from '../../simulators/devices/maxbotix.js';
import { mhz19PacketChecksum, mhz19ReadAnswer, Mhz19RequestFramer } from '../../simulators/devices/mhz19.js';
import { epochSentences, nmeaSentence, nmeaSentenceChecksum, ggaSentence, gllSentence, gsaSentences, gsvSentences, rmcSentence, vtgSentence, type FixReport } from '../../simulators/devices/nmea-sentences.js';
import { pms5003Frame, pms5003DataWords, type Pms5003Values } from '../../simulators/devices/pms5003.js';
import { sds011DataFrame } from '../../simulators/devices/sds011.js';

const SEED = 20260512;
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('SDS011 data frame (Laser Dust Sensor Control Protocol V1.3)', () => {
  it("is the protocol's example for sensor A160 at 123.6 and 261.8 µg/m³", () => {
    expect(sds011DataFrame({ pm2_5: 123.6, pm10: 261.8, deviceId: 0xa160 })).toEqual(hex('AA C0 D4 04 3A 0A A1 60 1D AB'));
  });

  it('carries every value in tenths, low byte first, with the low byte of the data sum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 0xffff }), (pm25, pm10, id) => {
        const frame = sds011DataFrame({ pm2_5: pm25 / 10, pm10: pm10 / 10, deviceId: id });
        expect(frame).toHaveLength(10);
        expect([frame[0], frame[1], frame[9]]).toEqual([0xaa, 0xc0, 0xab]);
        expect(frame[2]! + 256 * frame[3]!).toBe(pm25);
        expect(frame[4]! + 256 * frame[5]!).toBe(pm10);
        expect(frame[8]).toBe([...frame.subarray(2, 8)].reduce((sum, byte) => sum + byte, 0) & 0xff);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('PMS5003 frame (data manual, appendix I)', () => {
  const word = fc.integer({ min: 0, max: 0xffff });
  const values = fc.tuple(...pms5003DataWords.map(() => word)).map((words) => Object.fromEntries(pms5003DataWords.map((name, index) => [name, words[index]!])) as unknown as Pms5003Values);

  it('is 42 4D, length 28, thirteen big-endian words and their 16-bit byte sum', () => {
    fc.assert(
      fc.property(values, (reading) => {
        const frame = pms5003Frame(reading);
        expect(frame).toHaveLength(32);
        expect([...frame.subarray(0, 4)]).toEqual([0x42, 0x4d, 0x00, 28]);
        pms5003DataWords.forEach((name, index) => expect(frame[4 + 2 * index]! * 256 + frame[5 + 2 * index]!).toBe(reading[name]));
        let sum = 0;
        for (let index = 0; index < 30; index++) sum += frame[index]!;
        expect(frame[30]! * 256 + frame[31]!).toBe(sum % 65536);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('MH-Z19B packets (user manual V1.0)', () => {
  it("gives the manual's read request its checksum 0x79", () => {
    expect(mhz19PacketChecksum(hex('FF 01 86 00 00 00 00 00 00'))).toBe(0x79);
  });

  it('answers 544 ppm as FF 86 02 20 with checksum 0x58 when byte 4 is clear', () => {
    // The read answer the manual's example shows: 0x02 × 256 + 0x20 = 544 ppm; byte 4 (temperature + 40) 0.
    expect(mhz19ReadAnswer(544, -40)).toEqual(hex('FF 86 02 20 00 00 00 00 58'));
  });

  it('makes every answer sum to zero over bytes 1–8, which is what the checksum means', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: -40, max: 80 }), (co2, temperature) => {
        const answer = mhz19ReadAnswer(co2, temperature);
        expect([answer[0], answer[1]]).toEqual([0xff, 0x86]);
        expect(answer.readUInt16BE(2)).toBe(co2);
        expect(answer[4]).toBe(temperature + 40);
        expect([...answer.subarray(1)].reduce((sum, byte) => sum + byte, 0) % 256).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('finds requests split anywhere, after noise, and skips packets with a bad checksum', () => {
    const framer = new Mhz19RequestFramer();
    const read = hex('FF 01 86 00 00 00 00 00 79');
    const bad = Buffer.from(read);
    bad[8] = 0x78;
    const stream = Buffer.concat([hex('00 FF 13'), bad, read, hex('FF 01 79 A0 00 00 00 00 E6')]);
    const commands: number[] = [];
    for (let at = 0; at < stream.length; at += 4) commands.push(...framer.push(stream.subarray(at, at + 4)));
    expect(commands).toEqual([0x86, 0x79]);
  });
});

describe('MaxSonar range line (HRXL-MaxSonar-WR datasheet)', () => {
  it('is R, four digits with leading zeros, and a carriage return', () => {
    expect(maxsonarRangeLine(1234)).toEqual(Buffer.from('R1234\r', 'latin1'));
    expect(maxsonarRangeLine(300)).toEqual(hex('52 30 33 30 30 0D'));
    expect(() => maxsonarRangeLine(10_000)).toThrow(RangeError);
  });
});

describe('NMEA 0183 sentences', () => {
  it('checksums the classic RMC and GGA examples as published', () => {
    expect(nmeaSentence('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W')).toBe('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n');
    expect(nmeaSentence('GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')).toBe('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n');
  });

  // A NEO-6 capture (u-blox 6, default settings): the twin must print the same bytes for the same fix.
  const NEO6 = [
    '$GPRMC,054423.00,A,3746.79275,N,12224.40754,W,1.730,,050815,,,A*67',
    '$GPVTG,,T,,M,1.730,N,3.204,K,A*23',
    '$GPGGA,054423.00,3746.79275,N,12224.40754,W,1,05,2.58,73.0,M,-29.7,M,,*58',
    '$GPGSA,A,3,14,22,19,04,27,,,,,,,,6.04,2.58,5.46*04',
    '$GPGSV,4,4,13,32,24,278,*41',
    '$GPGLL,3746.79275,N,12224.40754,W,054423.00,A,A*72',
  ];

  const report: FixReport = {
    epochMs: Date.UTC(2026, 4, 12, 6, 30, 15, 500),
    fix: true,
    latitude: 53.5405,
    longitude: -9.9351,
    satellites: 2,
    hdop: 0.94,
    altitude: 12.34,
    geoidSeparation: 45.1,
    speed: 10,
    course: 271.5,
    sky: [
      { system: 'GP', id: 4, elevation: 35, azimuth: 312, snr: 41, used: true },
      { system: 'GP', id: 7, elevation: 9, azimuth: 21, snr: undefined, used: false },
      { system: 'GP', id: 14, elevation: 83, azimuth: 95, snr: 46, used: true },
    ],
  };

  it('checksums the NEO-6 capture as published', () => {
    for (const line of NEO6) expect(nmeaSentence(line.slice(1, -3))).toBe(`${line}\r\n`);
  });

  it('prints a fix as a u-blox 6 does: ddmm.mmmmm, UTC time and date, knots and km/h, GSA and GSV of the sky', () => {
    expect(rmcSentence(report)).toMatch(/^\$GPRMC,063015\.50,A,5332\.43000,N,00956\.10600,W,19\.438,271\.50,120526,,,A\*[0-9A-F]{2}\r\n$/);
    expect(vtgSentence(report)).toMatch(/^\$GPVTG,271\.50,T,,M,19\.438,N,36\.000,K,A\*[0-9A-F]{2}\r\n$/);
    expect(ggaSentence(report)).toMatch(/^\$GPGGA,063015\.50,5332\.43000,N,00956\.10600,W,1,02,0\.94,12\.3,M,45\.1,M,,\*[0-9A-F]{2}\r\n$/);
    expect(gsaSentences(report)).toEqual([nmeaSentence('GPGSA,A,3,04,14,,,,,,,,,,,1.69,0.94,1.41')]);
    expect(gsvSentences(report)).toEqual([nmeaSentence('GPGSV,1,1,03,04,35,312,41,07,09,021,,14,83,095,46')]);
    expect(gllSentence(report)).toBe(nmeaSentence('GPGLL,5332.43000,N,00956.10600,W,063015.50,A,A'));
    expect(rmcSentence({ ...report, fix: false })).toMatch(/^\$GPRMC,063015\.50,V,,,,,,,120526,,,N\*/);
    expect(gsvSentences({ ...report, sky: [] })).toEqual(['$GPGSV,1,1,00*79\r\n']); // what a NEO-6 prints with an empty sky
  });

  it('prints the NEO-6 capture byte for byte from the same fix', () => {
    const captured: FixReport = {
      epochMs: Date.UTC(2015, 7, 5, 5, 44, 23),
      fix: true,
      latitude: 37 + 46.79275 / 60,
      longitude: -(122 + 24.40754 / 60),
      satellites: 5,
      hdop: 2.58,
      altitude: 73.0,
      geoidSeparation: -29.7,
      speed: 1.73 * (1852 / 3600),
      course: undefined, // nearly still: the module printed no course
      sky: [],
    };
    const [rmc, vtg, gga, , , gll] = epochSentences(captured).map((line) => line.trimEnd());
    expect([rmc, vtg, gga, gll]).toEqual([NEO6[0], NEO6[1], NEO6[2], NEO6[5]]);
  });

  it('closes every sentence with the XOR of the characters between $ and *', () => {
    fc.assert(
      fc.property(fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.boolean(), (latitude, longitude, fix) => {
        for (const text of epochSentences({ ...report, latitude, longitude, fix })) {
          const match = /^\$([^*$]*)\*([0-9A-F]{2})\r\n$/.exec(text);
          expect(match).not.toBeNull();
          let xor = 0;
          for (const character of match![1]!) xor ^= character.charCodeAt(0);
          expect(parseInt(match![2]!, 16)).toBe(xor);
          expect(nmeaSentenceChecksum(match![1]!)).toBe(xor);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('never prints 60 minutes: a minute that rounds up carries into the degrees', () => {
    expect(ggaSentence({ ...report, latitude: 53 + 59.999996 / 60 })).toContain(',5400.00000,N,');
  });
});
