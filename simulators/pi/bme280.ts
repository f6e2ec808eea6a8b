/**
 * A BME280 (or BMP280) at register level, as it answers on I2C: chip id, soft reset, the NVM
 * copy after reset, calibration, ctrl_hum/ctrl_meas/config, forced and normal mode with the
 * datasheet's measurement time, and the data registers. Everything here is read from Bosch's
 * BME280 datasheet (BST-BME280-DS002): the memory map (section 5.3, table 18), the trimming
 * parameter layout (section 4.2.2, table 16), the measurement time (section 9.1), and the
 * compensation (section 4.2.3, in its double-precision form of section 8.1). Raw ADC words
 * are found from the model's physical values by searching the double-precision compensation,
 * an implementation independent of any fixed-point one, so a reader that gets the model's
 * values back has done the datasheet's arithmetic, not copied the twin's.
 */
import type { Clock } from '../../src/index.js';

/** Chip ids at register 0xD0 (datasheet 5.4.1; the BMP280 datasheet for 0x58). */
export const BME280_CHIP_ID = 0x60;
export const BMP280_CHIP_ID = 0x58;

/** The registers the chip answers at (datasheet table 18). */
const REG = { calibrationTp: 0x88, chipId: 0xd0, reset: 0xe0, calibrationH: 0xe1, ctrlHum: 0xf2, status: 0xf3, ctrlMeas: 0xf4, config: 0xf5, data: 0xf7 } as const;

/** The trimming parameters burnt into a chip at the factory (datasheet table 16: dig_T1 … dig_H6). */
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

/**
 * Datasheet 9.1, the maximum measurement time in ms: 1.25 + 2.3 × osrs_t, plus 2.3 × osrs_p
 * + 0.575 and 2.3 × osrs_h + 0.575 for the channels measured (oversampling 0 skips one).
 */
export function maxMeasurementTimeMs(oversampling: { readonly temperature: number; readonly pressure: number; readonly humidity: number }): number {
  const channel = (factor: number) => (factor ? 2.3 * factor + 0.575 : 0);
  return 1.25 + 2.3 * oversampling.temperature + channel(oversampling.pressure) + channel(oversampling.humidity);
}

/** Physical truth at the sensor. */
export interface AirSample {
  readonly celsius: number;
  readonly pascal: number;
  readonly relativeHumidity: number;
}

/**
 * A real chip's trimming (temperature and pressure from the BMP280 datasheet's worked
 * example, humidity from a BME280 breakout), so the simulated chip is no easier than one.
 */
export const SAMPLE_CALIBRATION: Bme280Calibration = {
  T1: 27504,
  T2: 26435,
  T3: -1000,
  P1: 36477,
  P2: -10685,
  P3: 3024,
  P4: 2855,
  P5: 140,
  P6: -7,
  P7: 15500,
  P8: -14600,
  P9: 6000,
  H: { H1: 75, H2: 362, H3: 0, H4: 313, H5: 50, H6: 30 },
};

/** Datasheet 8.1: temperature in °C and t_fine from a raw word, in double precision. */
export function referenceTemperature(adcT: number, c: Bme280Calibration): { celsius: number; tFine: number } {
  const var1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const var2 = (adcT / 131072 - c.T1 / 8192) * (adcT / 131072 - c.T1 / 8192) * c.T3;
  return { celsius: (var1 + var2) / 5120, tFine: Math.trunc(var1 + var2) };
}

/** Datasheet 8.1: pressure in Pa, in double precision. */
export function referencePressure(adcP: number, tFine: number, c: Bme280Calibration): number {
  let var1 = tFine / 2 - 64000;
  let var2 = (var1 * var1 * c.P6) / 32768;
  var2 += var1 * c.P5 * 2;
  var2 = var2 / 4 + c.P4 * 65536;
  var1 = ((c.P3 * var1 * var1) / 524288 + c.P2 * var1) / 524288;
  var1 = (1 + var1 / 32768) * c.P1;
  if (var1 === 0) return 0;
  let p = 1048576 - adcP;
  p = ((p - var2 / 4096) * 6250) / var1;
  var1 = (c.P9 * p * p) / 2147483648;
  var2 = (p * c.P8) / 32768;
  return p + (var1 + var2 + c.P7) / 16;
}

/** Datasheet 8.1: relative humidity in %, in double precision. */
export function referenceHumidity(adcH: number, tFine: number, h: NonNullable<Bme280Calibration['H']>): number {
  let v = tFine - 76800;
  v = (adcH - (h.H4 * 64 + (h.H5 / 16384) * v)) * ((h.H2 / 65536) * (1 + (h.H6 / 67108864) * v * (1 + (h.H3 / 67108864) * v)));
  v *= 1 - (h.H1 * v) / 524288;
  return Math.min(100, Math.max(0, v));
}

/** The raw word in [0, max] whose compensated value is nearest `target`, for a function rising or falling in the word. */
function invert(target: number, max: number, value: (raw: number) => number): number {
  const rising = value(max) > value(0);
  let low = 0;
  let high = max;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (value(middle) < target === rising) low = middle;
    else high = middle;
  }
  return Math.abs(value(low) - target) <= Math.abs(value(high) - target) ? low : high;
}

/** Raw ADC words that a chip with this calibration would read for `sample`. */
export function rawFor(sample: AirSample, c: Bme280Calibration): { adcT: number; adcP: number; adcH: number } {
  const adcT = invert(sample.celsius, 0xfffff, (raw) => referenceTemperature(raw, c).celsius);
  const { tFine } = referenceTemperature(adcT, c);
  const adcP = invert(sample.pascal, 0xfffff, (raw) => referencePressure(raw, tFine, c));
  const adcH = c.H ? invert(sample.relativeHumidity, 0xffff, (raw) => referenceHumidity(raw, tFine, c.H!)) : 0x8000;
  return { adcT, adcP, adcH };
}

/** What a simulated chip on a simulated bus must do: answer register reads and writes. */
export interface I2cRegisterDevice {
  readRegisters(register: number, length: number): Buffer;
  writeRegister(register: number, value: number): void;
}

export interface SimulatedBme280Options {
  readonly clock: Clock;
  /** The air at the sensor at a time (epoch ms). */
  readonly air: (epochMs: number) => AirSample;
  /** 0x58 makes a BMP280: no humidity, a 6-byte data burst. */
  readonly chipId?: number;
  readonly calibration?: Bme280Calibration;
}

const RESET_WORD = 0xb6;
/** The NVM copy after power-on or reset (datasheet: start-up time 2 ms). */
const NVM_COPY_MS = 2;

/** Oversampling factor of a 3-bit osrs field; 0 skips the channel. */
function oversampling(code: number): number {
  return code === 0 ? 0 : Math.min(16, 1 << (code - 1));
}

/** Standby between normal-mode measurements, by t_sb code (BME280 table 27), in ms. */
const STANDBY_MS = [0.5, 62.5, 125, 250, 500, 1000, 10, 20];

export class SimulatedBme280 implements I2cRegisterDevice {
  private readonly registers = new Uint8Array(256);
  private readonly calibration: Bme280Calibration;
  private readonly chipId: number;
  /** ctrl_hum as written; the chip applies it only at the next ctrl_meas write. */
  private pendingHum = 0;
  private activeHum = 0;
  private nvmCopyUntil = 0;
  private measuringUntil: number | undefined;
  private normalSince: number | undefined;
  /** Measurements completed, and the air the last one measured, for tests. */
  measurements = 0;
  lastAir: AirSample | undefined;

  constructor(private readonly options: SimulatedBme280Options) {
    this.chipId = options.chipId ?? BME280_CHIP_ID;
    this.calibration = options.calibration ?? SAMPLE_CALIBRATION;
    this.powerOn();
  }

  readRegisters(register: number, length: number): Buffer {
    this.advance();
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.readOne((register + i) & 0xff);
    return out;
  }

  writeRegister(register: number, value: number): void {
    this.advance();
    switch (register) {
      case REG.reset:
        if (value === RESET_WORD) this.powerOn();
        return;
      case REG.ctrlHum:
        if (this.chipId === BME280_CHIP_ID) this.pendingHum = value & 0x07;
        this.registers[REG.ctrlHum] = this.pendingHum;
        return;
      case REG.ctrlMeas:
        this.activeHum = this.pendingHum;
        this.registers[REG.ctrlMeas] = value;
        this.startMode(value & 0x03);
        return;
      case REG.config:
        this.registers[REG.config] = value & 0xfd;
        return;
      default:
      // Writes elsewhere are ignored, as the chip ignores them.
    }
  }

  private readOne(register: number): number {
    const now = this.options.clock.monotonic();
    if (register === REG.chipId) return this.chipId;
    if (register === REG.status) return (this.measuringUntil !== undefined && now < this.measuringUntil ? 0x08 : 0) | (now < this.nvmCopyUntil ? 0x01 : 0);
    // A BMP280 has nothing at the humidity registers.
    if (this.chipId !== BME280_CHIP_ID && (register === REG.ctrlHum || register >= 0xfd)) return 0;
    return this.registers[register]!;
  }

  private powerOn(): void {
    this.registers.fill(0);
    this.pendingHum = 0;
    this.activeHum = 0;
    this.measuringUntil = undefined;
    this.normalSince = undefined;
    this.nvmCopyUntil = this.options.clock.monotonic() + NVM_COPY_MS;
    this.writeCalibration();
    // Data registers read 0x80000 / 0x8000 until the first measurement.
    this.registers.set([0x80, 0, 0, 0x80, 0, 0, 0x80, 0], REG.data);
  }

  private writeCalibration(): void {
    const c = this.calibration;
    const tp = Buffer.alloc(26);
    tp.writeUInt16LE(c.T1, 0);
    [c.T2, c.T3].forEach((value, i) => tp.writeInt16LE(value, 2 + 2 * i));
    tp.writeUInt16LE(c.P1, 6);
    [c.P2, c.P3, c.P4, c.P5, c.P6, c.P7, c.P8, c.P9].forEach((value, i) => tp.writeInt16LE(value, 8 + 2 * i));
    tp[25] = c.H?.H1 ?? 0;
    this.registers.set(tp, REG.calibrationTp);
    if (!c.H || this.chipId !== BME280_CHIP_ID) return;
    const h = Buffer.alloc(7);
    h.writeInt16LE(c.H.H2, 0);
    h[2] = c.H.H3;
    h[3] = (c.H.H4 >> 4) & 0xff;
    h[4] = (c.H.H4 & 0x0f) | ((c.H.H5 & 0x0f) << 4);
    h[5] = (c.H.H5 >> 4) & 0xff;
    h.writeInt8(c.H.H6, 6);
    this.registers.set(h, REG.calibrationH);
  }

  private durationMs(): number {
    const meas = this.registers[REG.ctrlMeas]!;
    return maxMeasurementTimeMs({ temperature: oversampling(meas >> 5), pressure: oversampling((meas >> 2) & 0x07), humidity: oversampling(this.activeHum) });
  }

  private startMode(mode: number): void {
    const now = this.options.clock.monotonic();
    if (mode === 0) {
      this.measuringUntil = undefined;
      this.normalSince = undefined;
    } else if (mode === 3) {
      this.normalSince = now;
      this.measuringUntil = now + this.durationMs();
    } else {
      this.normalSince = undefined;
      this.measuringUntil = now + this.durationMs();
    }
  }

  /** Completes a measurement whose time has come; in normal mode, starts the next one after standby. */
  private advance(): void {
    const now = this.options.clock.monotonic();
    if (this.measuringUntil === undefined || now < this.measuringUntil) return;
    this.latch();
    if (this.normalSince === undefined) {
      this.measuringUntil = undefined;
      // Forced mode ends in sleep.
      this.registers[REG.ctrlMeas] = this.registers[REG.ctrlMeas]! & 0xfc;
      return;
    }
    const period = this.durationMs() + STANDBY_MS[this.registers[REG.config]! >> 5]!;
    const periods = Math.floor((now - this.measuringUntil) / period) + 1;
    this.measuringUntil += periods * period;
  }

  /** Writes one measurement of the air now into the data registers. */
  private latch(): void {
    this.measurements++;
    const meas = this.registers[REG.ctrlMeas]!;
    this.lastAir = this.options.air(this.options.clock.now());
    const raw = rawFor(this.lastAir, this.calibration);
    const adcT = meas >> 5 ? raw.adcT : 0x80000;
    const adcP = (meas >> 2) & 0x07 ? raw.adcP : 0x80000;
    const adcH = this.activeHum && this.calibration.H ? raw.adcH : 0x8000;
    this.registers.set([adcP >> 12, (adcP >> 4) & 0xff, (adcP & 0x0f) << 4, adcT >> 12, (adcT >> 4) & 0xff, (adcT & 0x0f) << 4, adcH >> 8, adcH & 0xff], REG.data);
  }
}
