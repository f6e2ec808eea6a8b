/**
 * The Pi's real I2C buses through i2c-bus (the kernel's /dev/i2c-N character devices). The
 * only runtime file that loads i2c-bus. i2c-bus opens a bus lazily, per device address, so a
 * missing bus or device shows up at the first transfer and is explained there. It is an
 * optional dependency (it compiles at install), loaded at the first transfer.
 */
import { explainI2cError, I2cError, i2cLocation, MAX_BLOCK_BYTES, type I2cBus, type I2cBuses } from './i2c.js';
import { explainMissingModule, loadOptionalModule } from './optional-module.js';

/**
 * The part of i2c-bus 5 this file uses, declared here rather than imported so that type
 * checking and building do not need the optional package to be installed.
 */
interface PromisifiedBus {
  readI2cBlock(address: number, register: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  writeByte(address: number, register: number, value: number): Promise<void>;
  close(): Promise<void>;
}
interface I2cBusModule {
  openPromisified(busNumber: number): Promise<PromisifiedBus>;
}

const I2C_BUS_INSTALL = "run npm install i2c-bus in fieldnode's directory";

function openBus(number: number): Promise<PromisifiedBus> {
  const i2c = loadOptionalModule<I2cBusModule>('i2c-bus', (error) => new I2cError('no-library', explainMissingModule('i2c-bus', I2C_BUS_INSTALL, error), { cause: error }));
  return i2c.openPromisified(number);
}

export class I2cDevBuses implements I2cBuses {
  readonly description = 'I2C buses under /dev';
  private readonly open = new Map<number, Promise<PromisifiedBus>>();

  bus(number: number): I2cBus {
    const handle = () => {
      let bus = this.open.get(number);
      if (!bus) {
        bus = openBus(number);
        this.open.set(number, bus);
      }
      return bus;
    };
    return {
      readRegisters: async (address, register, length) => {
        if (length > MAX_BLOCK_BYTES) throw new RangeError(`an SMBus block read is ${MAX_BLOCK_BYTES} bytes at most, not ${length}`);
        try {
          const buffer = Buffer.alloc(length);
          const { bytesRead } = await (await handle()).readI2cBlock(address, register, length, buffer);
          if (bytesRead !== length) throw new I2cError('io', `${i2cLocation(number, address)}: ${bytesRead} of ${length} bytes read`);
          return buffer;
        } catch (error) {
          throw await this.failed(number, error, address);
        }
      },
      writeRegister: async (address, register, value) => {
        try {
          await (await handle()).writeByte(address, register, value);
        } catch (error) {
          throw await this.failed(number, error, address);
        }
      },
    };
  }

  /**
   * After a failure the bus is opened afresh at the next transfer: i2c-bus keeps a device's
   * file even when selecting its address failed (EBUSY), and later transfers on it would go
   * to no address at all and read as a wiring fault.
   */
  private async failed(number: number, error: unknown, address: number): Promise<I2cError> {
    const bus = this.open.get(number);
    this.open.delete(number);
    await bus?.then((opened) => opened.close()).catch(() => undefined);
    return explainI2cError(error, number, address);
  }

  async close(): Promise<void> {
    const buses = [...this.open.values()];
    this.open.clear();
    await Promise.all(buses.map(async (bus) => (await bus.catch(() => undefined))?.close()));
  }
}
