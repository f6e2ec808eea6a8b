/**
 * Simulated I2C buses: devices at addresses answer register transfers the way the kernel's
 * /dev/i2c-N would pass them on, and failures come back as the same errno codes, explained
 * by the same code as the real buses' errors. A device can be pulled off the bus.
 */
import { explainI2cError, MAX_BLOCK_BYTES, type I2cBus, type I2cBuses } from '../../src/index.js';
import type { I2cRegisterDevice } from './bme280.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

export class SimulatedI2cBuses implements I2cBuses {
  readonly description = 'simulated I2C buses';
  private readonly devices = new Map<string, I2cRegisterDevice>();
  private readonly absent = new Set<string>();
  /** Transfers answered, for tests. */
  transfers = 0;

  /** `buses`: the bus numbers that exist (a Pi with I2C enabled has bus 1). */
  constructor(private readonly buses: ReadonlySet<number> = new Set([1])) {}

  attach(bus: number, address: number, device: I2cRegisterDevice): void {
    this.devices.set(`${bus}:${address}`, device);
  }

  /** A device that stops answering (a loose wire), or answers again. */
  setPresent(bus: number, address: number, present: boolean): void {
    if (present) this.absent.delete(`${bus}:${address}`);
    else this.absent.add(`${bus}:${address}`);
  }

  bus(number: number): I2cBus {
    const device = (address: number): I2cRegisterDevice => {
      // i2c-bus opens /dev/i2c-N at the first transfer; the kernel NACKs an address nobody answers.
      if (!this.buses.has(number)) throw explainI2cError(errno('ENOENT'), number, address);
      const found = this.absent.has(`${number}:${address}`) ? undefined : this.devices.get(`${number}:${address}`);
      if (!found) throw explainI2cError(errno('EREMOTEIO'), number, address);
      this.transfers++;
      return found;
    };
    return {
      readRegisters: async (address, register, length) => {
        if (length > MAX_BLOCK_BYTES) throw new RangeError(`an SMBus block read is ${MAX_BLOCK_BYTES} bytes at most, not ${length}`);
        return device(address).readRegisters(register, length);
      },
      writeRegister: async (address, register, value) => device(address).writeRegister(register, value & 0xff),
    };
  }

  async close(): Promise<void> {}
}
