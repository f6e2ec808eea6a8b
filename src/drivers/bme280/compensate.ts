/**
 * BME280 calibration and compensation, pure. The formulas are the datasheet's fixed-point
 * ones (Bosch BST-BME280-DS002, section 4.2.3: 32-bit temperature and humidity, 64-bit
 * pressure), so readings match what Bosch's own driver prints to the last digit. Pressure
 * needs 64-bit products and runs on BigInt; the others fit a double exactly.
 */

/** The trimming parameters burnt into each chip at the factory (registers 0x88–0xA1, 0xE1–0xE7). */
export interface Bme280Calibration {
  readonly T1: number;
  readonly T2: number;
  readonly T3: number;
  readonly P1: number;
  readonly P2: number;
  readonly P3: number;
  readonly P4: number;
  readonly P5: number;
  readonly P6: number;
  readonly P7: number;
  readonly P8: number;
  readonly P9: number;
  /** Humidity trimming; absent on a BMP280, which has no humidity sensor. */
  readonly H?: { readonly H1: number; readonly H2: number; readonly H3: number; readonly H4: number; readonly H5: number; readonly H6: number };
}

/** Register blocks holding the calibration. */
export const CALIBRATION_TP = { register: 0x88, length: 26 } as const;
export const CALIBRATION_H = { register: 0xe1, length: 7 } as const;

/** Parses the two calibration blocks as the datasheet's table 16 lays them out (little-endian words). */
export function parseCalibration(tp: Buffer, h?: Buffer): Bme280Calibration {
  const calibration = {
    T1: tp.readUInt16LE(0),
    T2: tp.readInt16LE(2),
    T3: tp.readInt16LE(4),
    P1: tp.readUInt16LE(6),
    P2: tp.readInt16LE(8),
    P3: tp.readInt16LE(10),
    P4: tp.readInt16LE(12),
    P5: tp.readInt16LE(14),
    P6: tp.readInt16LE(16),
    P7: tp.readInt16LE(18),
    P8: tp.readInt16LE(20),
    P9: tp.readInt16LE(22),
  };
  if (!h) return calibration;
  return {
    ...calibration,
    H: {
      H1: tp.readUInt8(25),
      H2: h.readInt16LE(0),
      H3: h.readUInt8(2),
      // Two signed 12-bit values share 0xE5: H4 takes its low nibble, H5 its high one.
      H4: (h.readInt8(3) * 16) | (h[4]! & 0x0f),
      H5: (h.readInt8(5) * 16) | (h[4]! >> 4),
      H6: h.readInt8(6),
    },
  };
}

/** The raw ADC words of one measurement (burst read of 0xF7–0xFE). */
export interface Bme280Raw {
  readonly adcP: number;
  readonly adcT: number;
  /** Absent when the chip has no humidity sensor (BMP280: the burst is 6 bytes). */
  readonly adcH?: number;
}

/** Value a skipped measurement (oversampling 0) reads as: no data, not a reading. */
export const SKIPPED_20_BIT = 0x80000;
export const SKIPPED_16_BIT = 0x8000;

/** Splits a data burst into the 20-bit pressure and temperature words and the 16-bit humidity word. */
export function parseRaw(data: Buffer): Bme280Raw {
  const adcP = (data[0]! << 12) | (data[1]! << 4) | (data[2]! >> 4);
  const adcT = (data[3]! << 12) | (data[4]! << 4) | (data[5]! >> 4);
  return data.length >= 8 ? { adcP, adcT, adcH: (data[6]! << 8) | data[7]! } : { adcP, adcT };
}

/** Arithmetic right shift without 32-bit wrap-around: C's `>>` on a signed value. */
function shr(value: number, bits: number): number {
  return Math.floor(value / 2 ** bits);
}

/** The fine temperature that pressure and humidity compensation depend on. */
export function fineTemperature(adcT: number, c: Bme280Calibration): number {
  const var1 = shr((shr(adcT, 3) - c.T1 * 2) * c.T2, 11);
  const delta = shr(adcT, 4) - c.T1;
  const var2 = shr(shr(delta * delta, 12) * c.T3, 14);
  return var1 + var2;
}

/** Temperature in hundredths of a °C (`5123` is 51.23 °C). */
export function centiCelsius(tFine: number): number {
  return shr(tFine * 5 + 128, 8);
}

/** Pressure in Pa as Q24.8 (`24674867` is 96386.2 Pa), or 0 when the calibration would divide by zero. */
export function pressureQ24_8(adcP: number, tFine: number, c: Bme280Calibration): number {
  let var1 = BigInt(tFine) - 128000n;
  let var2 = var1 * var1 * BigInt(c.P6);
  var2 += (var1 * BigInt(c.P5)) << 17n;
  var2 += BigInt(c.P4) << 35n;
  var1 = ((var1 * var1 * BigInt(c.P3)) >> 8n) + ((var1 * BigInt(c.P2)) << 12n);
  var1 = (((1n << 47n) + var1) * BigInt(c.P1)) >> 33n;
  if (var1 === 0n) return 0;
  let p = 1048576n - BigInt(adcP);
  // C's integer division truncates toward zero, as BigInt's does.
  p = (((p << 31n) - var2) * 3125n) / var1;
  var1 = (BigInt(c.P9) * (p >> 13n) * (p >> 13n)) >> 25n;
  var2 = (BigInt(c.P8) * p) >> 19n;
  p = ((p + var1 + var2) >> 8n) + (BigInt(c.P7) << 4n);
  return Number(p);
}

/** Relative humidity in %RH as Q22.10 (`47445` is 46.333 %RH). */
export function humidityQ22_10(adcH: number, tFine: number, h: NonNullable<Bme280Calibration['H']>): number {
  let v = tFine - 76800;
  const scaled = shr(adcH * 16384 - h.H4 * 1048576 - h.H5 * v + 16384, 15);
  const gain = shr((shr(shr(v * h.H6, 10) * (shr(v * h.H3, 11) + 32768), 10) + 2097152) * h.H2 + 8192, 14);
  v = scaled * gain;
  v -= shr(shr(shr(v, 15) * shr(v, 15), 7) * h.H1, 4);
  v = Math.min(419430400, Math.max(0, v));
  return shr(v, 12);
}

/** One compensated measurement in engineering units; humidity only from a BME280. */
export interface Bme280Measurement {
  readonly celsius: number;
  readonly pascal: number;
  readonly relativeHumidity?: number;
}

/** Compensates a raw measurement; a skipped channel (oversampling off) is left out. */
export function compensate(raw: Bme280Raw, c: Bme280Calibration): Partial<Bme280Measurement> {
  if (raw.adcT === SKIPPED_20_BIT) return {};
  const tFine = fineTemperature(raw.adcT, c);
  const result: { celsius: number; pascal?: number; relativeHumidity?: number } = { celsius: centiCelsius(tFine) / 100 };
  if (raw.adcP !== SKIPPED_20_BIT) {
    const q = pressureQ24_8(raw.adcP, tFine, c);
    if (q !== 0) result.pascal = q / 256;
  }
  if (c.H && raw.adcH !== undefined && raw.adcH !== SKIPPED_16_BIT) result.relativeHumidity = humidityQ22_10(raw.adcH, tFine, c.H) / 1024;
  return result;
}
