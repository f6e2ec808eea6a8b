/**
 * The Pi's I2C buses as drivers see them: register reads and writes on a device address.
 * The real buses (`/dev/i2c-N`, through i2c-bus) and the simulated ones implement this, so
 * a driver such as bme280 never knows which it talks to.
 */
import { DeviceError } from '../../core/errors.js';

/** Why a transfer failed, in the terms a fix depends on. */
export type I2cProblem = 'no-library' | 'no-bus' | 'no-device' | 'permission' | 'busy' | 'io';

/** A failed transfer that names the bus and address and says what to do. */
export class I2cError extends DeviceError<I2cProblem> {
  constructor(problem: I2cProblem, message: string, options?: { cause?: unknown }) {
    super(problem, message, 'I2C', options);
  }
}

/** One I2C bus (`/dev/i2c-1` on the header's pins 3 and 5). */
export interface I2cBus {
  /** `length` bytes from consecutive registers starting at `register` (an SMBus block read, 32 bytes at most). */
  readRegisters(address: number, register: number, length: number): Promise<Buffer>;
  /** One byte into one register. */
  writeRegister(address: number, register: number, value: number): Promise<void>;
}

/** Opens buses by number; a driver asks for the bus its sensor is wired to. */
export interface I2cBuses {
  /** For logs: which buses these are (real or simulated). */
  readonly description: string;
  bus(number: number): I2cBus;
  /** Releases every bus opened so far. */
  close(): Promise<void>;
}

/** The largest SMBus block transfer (I2C_SMBUS_BLOCK_MAX). */
export const MAX_BLOCK_BYTES = 32;

/** `0x76` as technicians and datasheets write addresses. */
export function hexAddress(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}

/** Where a transfer went, as the error messages name it. */
export function i2cLocation(bus: number, address: number): string {
  return `I2C bus ${bus} (/dev/i2c-${bus}), address ${hexAddress(address)}`;
}

/** Turns an errno from the kernel (or a simulated bus's) into what a technician checks next. */
export function explainI2cError(error: unknown, bus: number, address: number): I2cError {
  if (error instanceof I2cError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const at = i2cLocation(bus, address);
  switch (code) {
    case 'ENOENT':
      return new I2cError('no-bus', `/dev/i2c-${bus} does not exist: enable I2C (raspi-config, Interface Options, I2C; or dtparam=i2c_arm=on in config.txt) and reboot`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new I2cError('permission', `permission denied on /dev/i2c-${bus}: add the fieldnode user to the i2c group`, { cause: error });
    case 'EBUSY':
      return new I2cError('busy', `${at} is claimed by a kernel driver: remove the dtoverlay=i2c-sensor line for it from config.txt`, { cause: error });
    case 'EREMOTEIO':
    case 'ENXIO':
    case 'EIO':
      return new I2cError('no-device', `no device answers at ${at}: check wiring and power, and the address (a BME280 is 0x76 with SDO to ground, 0x77 with SDO to 3.3 V)`, { cause: error });
    default:
      return new I2cError('io', `${at}: ${code ?? (error as Error | undefined)?.message ?? String(error)}`, { cause: error });
  }
}
