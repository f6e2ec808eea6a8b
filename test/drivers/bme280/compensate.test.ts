import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centiCelsius, compensate, fineTemperature, humidityQ22_10, parseCalibration, parseRaw, pressureQ24_8, type Bme280Calibration } from '../../../src/drivers/bme280/compensate.js';
import { measurementTimeMs } from '../../../src/drivers/bme280/chip.js';
import { referenceHumidity, referencePressure, referenceTemperature, SAMPLE_CALIBRATION } from '../../../simulators/pi/bme280.js';
import { PROPERTY_RUNS } from '../frame-properties.js';

const calibration = SAMPLE_CALIBRATION;

describe('bme280 compensation', () => {
  it("reproduces the datasheet's worked example (BMP280 section 3.12: same formulas as the BME280)", () => {
    const tFine = fineTemperature(519888, calibration);
    expect(tFine).toBe(128422);
    expect(centiCelsius(tFine)).toBe(2508);
    const pascal = pressureQ24_8(415148, tFine, calibration) / 256;
    // The 32-bit variant of the datasheet prints 100653 Pa; the 64-bit one resolves 1/256 Pa.
    expect(Math.round(pascal)).toBe(100653);
    expect(pascal).toBeCloseTo(referencePressure(415148, tFine, calibration), 1);
  });

  it('agrees with the datasheet floating-point formulas within the fixed-point resolution, over the whole ADC range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 380_000, max: 620_000 }), fc.integer({ min: 200_000, max: 700_000 }), fc.integer({ min: 20_000, max: 50_000 }), (adcT, adcP, adcH) => {
        const tFine = fineTemperature(adcT, calibration);
        const reference = referenceTemperature(adcT, calibration);
        expect(Math.abs(centiCelsius(tFine) / 100 - reference.celsius)).toBeLessThanOrEqual(0.01);
        const pascal = pressureQ24_8(adcP, tFine, calibration) / 256;
        expect(Math.abs(pascal - referencePressure(adcP, tFine, calibration))).toBeLessThan(0.05);
        const humidity = humidityQ22_10(adcH, tFine, calibration.H!) / 1024;
        expect(Math.abs(humidity - referenceHumidity(adcH, tFine, calibration.H!))).toBeLessThan(0.01);
      }),
      { numRuns: PROPERTY_RUNS / 10 },
    );
  });

  it('unpacks the calibration registers, including the 12-bit H4 and H5 that share a byte, signed', () => {
    const h = { H1: 75, H2: -362, H3: 7, H4: -313, H5: 1234, H6: -30 };
    const tp = Buffer.alloc(26);
    tp.writeUInt16LE(27504, 0);
    tp.writeInt16LE(-1000, 4);
    tp.writeInt16LE(-7, 16);
    tp[25] = h.H1;
    const hb = Buffer.from([0, 0, h.H3, (h.H4 >> 4) & 0xff, (h.H4 & 0x0f) | ((h.H5 & 0x0f) << 4), (h.H5 >> 4) & 0xff, h.H6 & 0xff]);
    hb.writeInt16LE(h.H2, 0);
    const parsed = parseCalibration(tp, hb);
    expect(parsed).toMatchObject({ T1: 27504, T3: -1000, P6: -7, H: h });
    expect(parseCalibration(tp).H).toBeUndefined();
  });

  it('splits a data burst into 20-bit and 16-bit words and leaves skipped channels out', () => {
    expect(parseRaw(Buffer.from([0x65, 0x5a, 0xc0, 0x7e, 0xed, 0x00, 0x6c, 0x3a]))).toEqual({ adcP: 0x655ac, adcT: 0x7eed0, adcH: 0x6c3a });
    expect(parseRaw(Buffer.from([0x65, 0x5a, 0xc0, 0x7e, 0xed, 0x00]))).toEqual({ adcP: 0x655ac, adcT: 0x7eed0 });
    const c: Bme280Calibration = calibration;
    expect(compensate({ adcP: 0x80000, adcT: 519888, adcH: 0x8000 }, c)).toEqual({ celsius: 25.08 });
    expect(compensate({ adcP: 415148, adcT: 0x80000 }, c)).toEqual({});
  });

  it("times a forced measurement as the datasheet's table 13 does (weather monitoring: 9.3 ms)", () => {
    expect(measurementTimeMs({ temperature: 1, pressure: 1, humidity: 1 }, true)).toBeCloseTo(9.3, 5);
    expect(measurementTimeMs({ temperature: 16, pressure: 16, humidity: 16 }, true)).toBeCloseTo(112.8, 5);
    expect(measurementTimeMs({ temperature: 1, pressure: 1, humidity: 1 }, false)).toBeCloseTo(6.425, 5);
  });
});
