/**
 * An Arduino Uno or Nano as its firmware sees it: the ATmega328P core and the peripherals a
 * sketch uses (avr8js): timers 0–2 (millis() and delay() count timer 0's overflows), USART0
 * at the baud the sketch sets, the ADC, ports B, C and D with their external and pin-change
 * interrupts, and the TWI with register-addressed slaves. Time is CPU cycles: it moves only
 * when run, so a caller decides whether it keeps pace with the wall clock or with a test's
 * virtual clock.
 */
import { createRequire } from 'node:module';
import type * as Avr8js from 'avr8js';
import type { AVRADC, AVRIOPort, AVRUSART, CPU } from 'avr8js';
import type { Clock, TimerHandle } from '../../src/index.js';
import type { I2cRegisterDevice } from '../pi/bme280.js';
import { portBitOf, type EmulatedBoard, type PortName } from './boards.js';
import { I2cBus } from './i2c-bus.js';

/** avr8js, loaded with the first emulated board: a node without one never loads it. */
function avr8js(): typeof Avr8js {
  loadedAvr8js ??= createRequire(import.meta.url)('avr8js') as typeof Avr8js;
  return loadedAvr8js;
}
let loadedAvr8js: typeof Avr8js | undefined;

export class AvrMachine {
  readonly cpu: CPU;
  /** Emulated time, for models that sample the world as the firmware lives through it. */
  readonly clock: CycleClock;
  private readonly usart: AVRUSART;
  private readonly adc: AVRADC;
  private readonly ports: Record<PortName, AVRIOPort>;
  private readonly i2c: I2cBus;
  private readonly pendingReceive: number[] = [];
  private readonly serialListeners: ((byte: number) => void)[] = [];

  /** `flash` is the image a .hex fills (see parseIntelHex); `epochMs` is the wall time at reset. */
  constructor(
    readonly board: EmulatedBoard,
    flash: Uint8Array,
    epochMs: number,
  ) {
    const { AVRADC, AVRIOPort, AVRTimer, AVRTWI, AVRUSART, CPU, adcConfig, portBConfig, portCConfig, portDConfig, timer0Config, timer1Config, timer2Config, twiConfig, usart0Config } = avr8js();
    const program = new Uint16Array(board.flashBytes / 2);
    // Flash words are little-endian (avr-objcopy writes the low byte first), as a typed array on x86 and ARM reads them.
    new Uint8Array(program.buffer).set(flash.subarray(0, board.flashBytes));
    const cpu = new CPU(program, board.sramBytes);
    this.cpu = cpu;
    this.clock = new CycleClock(cpu, board.frequencyHz, epochMs);
    for (const config of [timer0Config, timer1Config, timer2Config]) new AVRTimer(cpu, config);
    this.usart = new AVRUSART(cpu, usart0Config, board.frequencyHz);
    this.usart.onByteTransmit = (byte) => {
      for (const listener of this.serialListeners) listener(byte);
    };
    this.usart.onRxComplete = () => this.feedReceiver();
    this.adc = new AVRADC(cpu, adcConfig);
    this.ports = { B: new AVRIOPort(cpu, portBConfig), C: new AVRIOPort(cpu, portCConfig), D: new AVRIOPort(cpu, portDConfig) };
    this.i2c = new I2cBus(cpu, new AVRTWI(cpu, twiConfig, board.frequencyHz), board.frequencyHz);
  }

  /** CPU cycles since reset. */
  get cycles(): number {
    return this.cpu.cycles;
  }

  /** Runs instructions until `cycles` have passed since reset (peripherals tick in between). */
  runUntil(cycles: number): void {
    const cpu = this.cpu;
    const { avrInstruction } = avr8js();
    while (cpu.cycles < cycles) {
      avrInstruction(cpu);
      cpu.tick();
    }
  }

  /** Called with each byte the firmware's USART puts on its TX pin, once its frame has gone out. */
  onSerialByte(listener: (byte: number) => void): void {
    this.serialListeners.push(listener);
  }

  /** Bytes arriving on the RX pin: one frame time each at the firmware's baud; lost while its receiver is off, as on the chip. */
  receiveSerial(data: Uint8Array): void {
    if (!this.usart.rxEnable) return;
    this.pendingReceive.push(...data);
    if (!this.usart.rxBusy) this.feedReceiver();
  }

  /** The voltage at an analog input (A0 = channel 0), against the 5 V AVcc reference. */
  setAnalogVolts(channel: number, volts: number): void {
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.board.analogInputs) throw new RangeError(`${this.board.id} has analog inputs A0–A${this.board.analogInputs - 1}, not A${channel}`);
    this.adc.channelValues[channel] = volts;
  }

  /** Drives a digital pin from outside (a switch to ground, a sensor's output). */
  setDigitalInput(pin: number, high: boolean): void {
    const where = portBitOf(pin);
    if (!where) throw new RangeError(`${this.board.id} has no digital pin ${pin}`);
    this.ports[where.port].setPin(where.bit, high);
  }

  /** Wires an I2C slave at its 7-bit address. */
  attachI2c(address: number, device: I2cRegisterDevice): void {
    this.i2c.attach(address, device);
  }

  private feedReceiver(): void {
    const next = this.pendingReceive[0];
    // writeByte schedules the frame and answers true, or false while one is still arriving.
    if (next !== undefined && this.usart.writeByte(next)) this.pendingReceive.shift();
  }
}

/**
 * The machine's time as a Clock: milliseconds of CPU cycles at the board's F_CPU, from the
 * wall time at reset. Timers fire between instructions, at their cycle.
 */
export class CycleClock implements Clock {
  private readonly cyclesPerMs: number;
  private readonly timers = new Map<number, () => void>();
  private nextId = 1;

  constructor(
    private readonly cpu: CPU,
    frequencyHz: number,
    private readonly epochAtReset: number,
  ) {
    this.cyclesPerMs = frequencyHz / 1000;
  }

  now(): number {
    return this.epochAtReset + this.monotonic();
  }

  monotonic(): number {
    return this.cpu.cycles / this.cyclesPerMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    const event = () => {
      this.timers.delete(id);
      callback();
    };
    this.timers.set(id, event);
    this.cpu.addClockEvent(event, Math.max(1, Math.round(delayMs * this.cyclesPerMs)));
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    const event = handle && this.timers.get(handle.id);
    if (!event) return;
    this.cpu.clearClockEvent(event);
    this.timers.delete(handle.id);
  }
}
