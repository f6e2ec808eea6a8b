/**
 * One BME280 (or BMP280) on an I2C bus, driven as Bosch's datasheet asks: check the chip id,
 * soft-reset, wait for the NVM copy, read the calibration once, then for every reading a
 * forced measurement, a wait for its datasheet maximum time, and one burst read of the data
 * registers (so the three values belong to one measurement: section 4 "data readout").
 * Forced mode keeps the chip asleep between readings, which is why the datasheet
 * recommends it for weather monitoring (section 3.5.1).
 */
import { sleep, type Clock } from '../../core/clock.js';
import { DeviceError } from '../../core/errors.js';
import { hexAddress, type I2cBus } from '../../transports/pi/i2c.js';
import { CALIBRATION_H, CALIBRATION_TP, compensate, parseCalibration, parseRaw, type Bme280Calibration, type Bme280Measurement } from './compensate.js';

export const BME280_CHIP_ID = 0x60;
export const BMP280_CHIP_ID = 0x58;
/** The chip's registers (datasheet table 18), shared with the simulated chip. */
export const BME280_REGISTERS = { calibrationTp: 0x88, chipId: 0xd0, reset: 0xe0, calibrationH: 0xe1, ctrlHum: 0xf2, status: 0xf3, ctrlMeas: 0xf4, config: 0xf5, data: 0xf7 } as const;
const REG = BME280_REGISTERS;
const STATUS_MEASURING = 0x08;
const STATUS_IM_UPDATE = 0x01;
/** How often, and how many times, a busy status is asked again before the chip is given up on. */
const STATUS_POLL_MS = 2;
const STATUS_POLLS = 10;

/** Oversampling per channel, as the datasheet's osrs codes count: 1, 2, 4, 8 or 16 samples. */
export type Oversampling = 1 | 2 | 4 | 8 | 16;

/** A chip that is not what the config says, or that stopped making sense. */
export class Bme280Error extends DeviceError<'wrong-chip' | 'not-ready'> {
  constructor(problem: 'wrong-chip' | 'not-ready', message: string) {
    super(problem, message, 'BME280');
  }
}

export interface Bme280Settings {
  readonly oversampling: { readonly temperature: Oversampling; readonly pressure: Oversampling; readonly humidity: Oversampling };
}

function osrsCode(factor: Oversampling): number {
  return Math.log2(factor) + 1;
}

/** Datasheet 9.1: the longest a forced measurement takes, in ms; an oversampling of 0 skips its channel. */
export function measurementTimeMs(o: { readonly temperature: number; readonly pressure: number; readonly humidity: number }, humidity: boolean): number {
  return 1.25 + 2.3 * o.temperature + (o.pressure ? 2.3 * o.pressure + 0.575 : 0) + (humidity && o.humidity ? 2.3 * o.humidity + 0.575 : 0);
}

/** What a measurement read: the chip's kind tells whether humidity can be there at all. */
export interface ChipMeasurement extends Partial<Bme280Measurement> {
  readonly chip: 'BME280' | 'BMP280';
}

export class Bme280Chip {
  private calibration: Bme280Calibration | undefined;
  private kind: ChipMeasurement['chip'] = 'BME280';

  constructor(
    private readonly bus: I2cBus,
    readonly address: number,
    private readonly settings: Bme280Settings,
    private readonly clock: Clock,
  ) {}

  /** Forgets the chip, so the next measurement soft-resets it first (after a fault). */
  reset(): void {
    this.calibration = undefined;
  }

  /**
   * Checks the chip id and reads the calibration at every measurement, and writes the
   * settings before every start: a chip that browned out, or was swapped for another between
   * two polls, is read with its own calibration and settings, never with the last one's. The
   * extra 35 bytes cost well under a millisecond on a 100 kHz bus.
   */
  async measure(): Promise<ChipMeasurement> {
    if (!this.calibration) await this.softReset();
    const calibration = await this.readCalibration();
    this.calibration = calibration;
    const o = this.settings.oversampling;
    const humidity = calibration.H !== undefined;
    // Filter off: each forced reading stands alone. ctrl_hum counts only once ctrl_meas is written.
    await this.bus.writeRegister(this.address, REG.config, 0);
    if (humidity) await this.bus.writeRegister(this.address, REG.ctrlHum, osrsCode(o.humidity));
    await this.bus.writeRegister(this.address, REG.ctrlMeas, (osrsCode(o.temperature) << 5) | (osrsCode(o.pressure) << 2) | 0b01);
    await sleep(this.clock, Math.ceil(measurementTimeMs(o, humidity)));
    await this.waitWhile(STATUS_MEASURING, 'a measurement');
    const data = await this.bus.readRegisters(this.address, REG.data, humidity ? 8 : 6);
    return { chip: this.kind, ...compensate(parseRaw(data), calibration) };
  }

  private async checkId(): Promise<void> {
    const [id] = await this.bus.readRegisters(this.address, REG.chipId, 1);
    if (id !== BME280_CHIP_ID && id !== BMP280_CHIP_ID) {
      throw new Bme280Error('wrong-chip', `the device at ${hexAddress(this.address)} has chip id ${hexAddress(id ?? 0)}, not a BME280 (0x60) or BMP280 (0x58): check the address`);
    }
    this.kind = id === BME280_CHIP_ID ? 'BME280' : 'BMP280';
  }

  private async softReset(): Promise<void> {
    await this.checkId();
    await this.bus.writeRegister(this.address, REG.reset, 0xb6);
    await sleep(this.clock, STATUS_POLL_MS);
    await this.waitWhile(STATUS_IM_UPDATE, 'the calibration copy after reset');
  }

  private async readCalibration(): Promise<Bme280Calibration> {
    await this.checkId();
    const tp = await this.bus.readRegisters(this.address, CALIBRATION_TP.register, CALIBRATION_TP.length);
    const h = this.kind === 'BME280' ? await this.bus.readRegisters(this.address, CALIBRATION_H.register, CALIBRATION_H.length) : undefined;
    return parseCalibration(tp, h);
  }

  private async waitWhile(bit: number, what: string): Promise<void> {
    for (let poll = 0; poll < STATUS_POLLS; poll++) {
      const [status] = await this.bus.readRegisters(this.address, REG.status, 1);
      if (((status ?? 0) & bit) === 0) return;
      await sleep(this.clock, STATUS_POLL_MS);
    }
    throw new Bme280Error('not-ready', `the chip at ${hexAddress(this.address)} stayed busy with ${what} for ${STATUS_POLLS * STATUS_POLL_MS} ms`);
  }
}
