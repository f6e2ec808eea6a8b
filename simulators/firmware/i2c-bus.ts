/**
 * The two-wire bus behind an emulated ATmega's TWI: register-addressed slaves (our BME280
 * model answers at register level) hear what the firmware's Wire library sends, with the
 * time each byte takes on the wire. The register-pointer protocol is the BME280's (datasheet
 * BST-BME280-DS002, section 6.2.1 and 6.2.2): after the address with W, the first byte sets
 * the register pointer and later bytes write registers from it; a read returns registers from
 * the pointer onwards, which advances with each byte.
 */
import type { AVRTWI, CPU, TWIEventHandler } from 'avr8js';
import type { I2cRegisterDevice } from '../pi/bme280.js';

/** SCL periods per byte on the wire: 8 data bits and the acknowledge bit. */
const BITS_PER_BYTE = 9;

/** The slaves on one TWI, by 7-bit address, and the state of the transfer in progress. */
export class I2cBus implements TWIEventHandler {
  private readonly slaves = new Map<number, I2cRegisterDevice>();
  private current: I2cRegisterDevice | undefined;
  private pointer = 0;
  /** True until the first byte of a write transfer (which is the register pointer). */
  private expectingPointer = false;

  constructor(
    private readonly cpu: CPU,
    private readonly twi: AVRTWI,
    private readonly frequencyHz: number,
  ) {
    twi.eventHandler = this;
  }

  /** Wires a slave at its 7-bit address. */
  attach(address: number, device: I2cRegisterDevice): void {
    this.slaves.set(address, device);
  }

  start(): void {
    this.later(1, () => this.twi.completeStart());
  }

  stop(): void {
    this.current = undefined;
    this.later(1, () => this.twi.completeStop());
  }

  connectToSlave(address: number, write: boolean): void {
    this.current = this.slaves.get(address);
    if (this.current && write) this.expectingPointer = true;
    const ack = this.current !== undefined;
    this.later(BITS_PER_BYTE, () => this.twi.completeConnect(ack));
  }

  writeByte(value: number): void {
    const device = this.current;
    if (device && this.expectingPointer) {
      this.pointer = value;
      this.expectingPointer = false;
    } else if (device) {
      device.writeRegister(this.pointer, value);
      this.pointer = (this.pointer + 1) & 0xff;
    }
    this.later(BITS_PER_BYTE, () => this.twi.completeWrite(device !== undefined));
  }

  readByte(): void {
    const value = this.current ? this.current.readRegisters(this.pointer, 1)[0]! : 0xff;
    this.pointer = (this.pointer + 1) & 0xff;
    this.later(BITS_PER_BYTE, () => this.twi.completeRead(value));
  }

  /** Completes a bus event after `bits` SCL periods at the clock the firmware set (TWBR, TWSR). */
  private later(bits: number, complete: () => void): void {
    const cycles = Math.max(1, Math.round((bits * this.frequencyHz) / this.twi.sclFrequency));
    this.cpu.addClockEvent(complete, cycles);
  }
}
