/**
 * The simulated BME280 against Bosch's datasheet: the BMP280 datasheet's worked example
 * (section 3.12) for the compensation the twin searches, and the twin's registers read back
 * as a host would, with the trimming laid out as table 16 says and compensated with the
 * fixed-point formulas of section 4.2.3, written out here once more.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { rawFor, referencePressure, referenceTemperature, SAMPLE_CALIBRATION, SimulatedBme280, type AirSample } from '../../simulators/pi/bme280.js';
import { SeededRandom } from '../../simulators/models/random.js';

/** Table 16: dig_T1 … dig_P9 little-endian from 0x88, dig_H1 at 0xA1, dig_H2 … dig_H6 from 0xE1. */
function trimming(tp: Buffer, h: Buffer) {
  return {
    T1: tp.readUInt16LE(0),
    T2: tp.readInt16LE(2),
    T3: tp.readInt16LE(4),
    P: [tp.readUInt16LE(6), ...Array.from({ length: 8 }, (_, index) => tp.readInt16LE(8 + 2 * index))],
    H1: tp[25]!,
    H2: h.readInt16LE(0),
    H3: h[2]!,
    H4: (h.readInt8(3) << 4) | (h[4]! & 0x0f),
    H5: (h.readInt8(5) << 4) | (h[4]! >> 4),
    H6: h.readInt8(6),
  };
}

/** Section 4.2.3: BME280_compensate_T_int32, _P_int64 (BigInt) and _H_int32, as printed there. */
function compensateFixedPoint(adcT: number, adcP: number, adcH: number, c: ReturnType<typeof trimming>) {
  const var1T = (((adcT >> 3) - (c.T1 << 1)) * c.T2) >> 11;
  const var2T = (((((adcT >> 4) - c.T1) * ((adcT >> 4) - c.T1)) >> 12) * c.T3) >> 14;
  const tFine = var1T + var2T;
  const centiCelsius = (tFine * 5 + 128) >> 8;

  const [P1, P2, P3, P4, P5, P6, P7, P8, P9] = c.P.map(BigInt) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  let var1 = BigInt(tFine) - 128000n;
  let var2 = var1 * var1 * P6;
  var2 = var2 + ((var1 * P5) << 17n);
  var2 = var2 + (P4 << 35n);
  var1 = ((var1 * var1 * P3) >> 8n) + ((var1 * P2) << 12n);
  var1 = (((1n << 47n) + var1) * P1) >> 33n;
  let p = 1048576n - BigInt(adcP);
  p = (((p << 31n) - var2) * 3125n) / var1;
  var1 = (P9 * (p >> 13n) * (p >> 13n)) >> 25n;
  var2 = (P8 * p) >> 19n;
  p = ((p + var1 + var2) >> 8n) + (P7 << 4n);
  const pascal = Number(p) / 256;

  let v = tFine - 76800;
  v = ((((adcH << 14) - (c.H4 << 20) - c.H5 * v + 16384) >> 15) * (((((((v * c.H6) >> 10) * (((v * c.H3) >> 11) + 32768)) >> 10) + 2097152) * c.H2 + 8192) >> 14));
  v = v - (((((v >> 15) * (v >> 15)) >> 7) * c.H1) >> 4);
  v = Math.min(Math.max(v, 0), 419430400);
  return { celsius: centiCelsius / 100, pascal, relativeHumidity: (v >> 12) / 1024 };
}

describe('BME280 compensation the twin inverts', () => {
  it("gives the BMP280 datasheet's worked example: 25.08 °C and 100653.27 Pa", () => {
    const { celsius, tFine } = referenceTemperature(519888, SAMPLE_CALIBRATION);
    expect(celsius).toBeCloseTo(25.08, 2);
    expect(tFine).toBe(128422);
    expect(referencePressure(415148, tFine, SAMPLE_CALIBRATION)).toBeCloseTo(100653.27, 1);
  });

  it('finds the raw words of the worked example from its physical values', () => {
    const raw = rawFor({ celsius: referenceTemperature(519888, SAMPLE_CALIBRATION).celsius, pascal: 100653.27, relativeHumidity: 50 }, SAMPLE_CALIBRATION);
    expect(raw.adcT).toBe(519888);
    expect(Math.abs(raw.adcP - 415148)).toBeLessThanOrEqual(1);
  });
});

describe('simulated BME280 on the bus', () => {
  it("puts raw words in its registers that the datasheet's fixed-point compensation reads back as the modelled air", () => {
    const clock = new VirtualClock(Date.UTC(2026, 4, 12));
    const random = new SeededRandom(280);
    let air: AirSample = { celsius: 20, pascal: 101_325, relativeHumidity: 50 };
    const chip = new SimulatedBme280({ clock, air: () => air });
    clock.advance(5); // the NVM copy after power-on
    const c = trimming(chip.readRegisters(0x88, 26), chip.readRegisters(0xe1, 7));
    for (let run = 0; run < 200; run++) {
      air = { celsius: -30 + 70 * random.next(), pascal: 80_000 + 30_000 * random.next(), relativeHumidity: 5 + 90 * random.next() };
      chip.writeRegister(0xf2, 0b001); // humidity ×1
      chip.writeRegister(0xf4, (0b001 << 5) | (0b001 << 2) | 0b01); // temperature ×1, pressure ×1, forced
      clock.advance(10); // section 9.1: 9.3 ms at most for these settings
      const data = chip.readRegisters(0xf7, 8);
      const adcP = (data[0]! << 12) | (data[1]! << 4) | (data[2]! >> 4);
      const adcT = (data[3]! << 12) | (data[4]! << 4) | (data[5]! >> 4);
      const adcH = (data[6]! << 8) | data[7]!;
      const read = compensateFixedPoint(adcT, adcP, adcH, c);
      // Within the fixed-point outputs' resolution (0.01 °C), one raw count, and the float and
      // fixed-point formulas' own disagreement (under 0.5 Pa): far below the chip's accuracy.
      expect(Math.abs(read.celsius - air.celsius)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(read.pascal - air.pascal)).toBeLessThan(1);
      expect(Math.abs(read.relativeHumidity - air.relativeHumidity)).toBeLessThan(0.01);
    }
  });
});
