/**
 * An ATmega328P board as the host sees it over its USB-serial link, its reset vector the
 * bootloader's (BOOTRST programmed), so a reset runs the bootloader first, which then starts
 * the application. The boot section's size is the board's fuses' (see bootSections).
 * avr8js runs the code; this file adds what a bootloader needs from the chip: resets that
 * start at the boot section and set MCUSR, SPM (self-programming.ts), and a clock paced to
 * wall time so the bootloader's timeouts mean what they say.
 */
import { AVRClock, AVRWatchdog, avrInstruction, clockConfig, watchdogConfig } from 'avr8js';
import { emulatedBoards } from '../firmware/boards.js';
import { parseIntelHex } from '../firmware/intel-hex.js';
import { AvrMachine } from '../firmware/machine.js';
import { SelfProgramming, SPM_OPCODE } from './self-programming.js';

const UNO = emulatedBoards['arduino-uno'];
const CLOCK_HZ = UNO.frequencyHz;
/**
 * Where the boot section starts, by the BOOTSZ fuses (datasheet "Boot Size Configuration"):
 * the Uno's high fuse 0xDE gives 256 words at word 0x3F00 (optiboot); the Nano's 0xDA gives
 * 1024 words at word 0x3C00 (ATmegaBOOT, and optiboot on newer Nanos).
 */
export const bootSections = { uno: 0x7e00, nano: 0x7800 } as const;
/** The ATmega328P's no-read-while-write section (datasheet "Read-While-Write and No Read-While-Write Flash Sections"). */
const NRWW_START_BYTE = 0x7000;
const SPMCSR = 0x57;
const MCUSR = 0x54;
/** MCUSR reset flags (datasheet "MCUSR – MCU Status Register"). */
const resetFlags = { 'power-on': 0x01, external: 0x02, watchdog: 0x08 } as const;
/** The longest stretch emulated between two turns of the event loop: keeps the pty responsive. */
const SLICE_CYCLES = CLOCK_HZ / 100;

/** Why the chip restarts: power applied, the reset pin (DTR through a capacitor), the watchdog. */
export type ResetCause = keyof typeof resetFlags;

/** What the emulated chip did since it was powered, for a flashing test's figures. */
export interface BoardActivity {
  readonly resets: readonly ResetCause[];
  readonly pagesErased: number;
  readonly pagesWritten: number;
}

/** An ATmega328P running a bootloader image, its USART0 exposed as a byte stream. */
export class Atmega328pBoard {
  private flash: Uint8Array;
  private machine!: AvrMachine;
  private selfProgramming!: SelfProgramming;
  private pendingReset: ResetCause | undefined;
  private readonly transmitListeners: ((byte: number) => void)[] = [];
  private readonly causes: ResetCause[] = [];
  private pages = { erased: 0, written: 0 };
  private cyclesBeforeReset = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private running = false;

  /** `bootloaderHex` is an Intel HEX image such as optiboot_atmega328.hex; flash starts erased. */
  constructor(
    bootloaderHex: string,
    private readonly bootStartByte: number = bootSections.uno,
  ) {
    this.flash = parseIntelHex(bootloaderHex, UNO.flashBytes).bytes;
    this.build('power-on');
  }

  /** Pulses the reset pin, as DTR does when a host opens the port. */
  reset(cause: ResetCause = 'external'): void {
    this.pendingReset = cause;
    if (!this.running) this.applyReset();
  }

  /** Bytes from the host, at the firmware's baud; lost while its receiver is off or the chip restarts. */
  receive(data: Uint8Array): void {
    if (this.pendingReset === undefined) this.machine.receiveSerial(data);
  }

  /** Calls `listener` with each byte the firmware transmits. */
  onTransmit(listener: (byte: number) => void): void {
    this.transmitListeners.push(listener);
  }

  get activity(): BoardActivity {
    return { resets: [...this.causes], pagesErased: this.pages.erased + this.selfProgramming.stats.pagesErased, pagesWritten: this.pages.written + this.selfProgramming.stats.pagesWritten };
  }

  /** The flash as bytes, to compare with what was programmed. */
  flashBytes(): Uint8Array {
    return this.currentFlash();
  }

  /** Runs the chip in step with wall time until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = performance.now() - this.elapsedCycles() / (CLOCK_HZ / 1000);
    this.timer = setImmediate(this.slice);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = undefined;
  }

  private elapsedCycles(): number {
    return this.cyclesBeforeReset + this.machine.cycles;
  }

  private currentFlash(): Uint8Array {
    const program = this.machine.cpu.progMem;
    return new Uint8Array(program.buffer.slice(program.byteOffset, program.byteOffset + program.byteLength));
  }

  private readonly slice = (): void => {
    if (!this.running) return;
    const due = (performance.now() - this.startedAt) * (CLOCK_HZ / 1000);
    const limit = Math.min(due, this.elapsedCycles() + SLICE_CYCLES) - this.cyclesBeforeReset;
    const { cpu } = this.machine;
    while (cpu.cycles < limit && this.pendingReset === undefined) {
      if (cpu.progMem[cpu.pc] === SPM_OPCODE) this.selfProgramming.execute();
      else avrInstruction(cpu);
      cpu.tick();
    }
    if (this.pendingReset !== undefined) this.applyReset();
    const behind = (performance.now() - this.startedAt) * (CLOCK_HZ / 1000) > this.elapsedCycles();
    this.timer = behind ? setImmediate(this.slice) : setTimeout(this.slice, 1);
  };

  private applyReset(): void {
    const cause = this.pendingReset ?? 'external';
    this.pendingReset = undefined;
    this.cyclesBeforeReset += this.machine.cycles;
    this.pages.erased += this.selfProgramming.stats.pagesErased;
    this.pages.written += this.selfProgramming.stats.pagesWritten;
    this.flash = this.currentFlash();
    this.build(cause);
  }

  /**
   * A reset sets every I/O register to its initial value, so a fresh machine over the same
   * flash is the reset chip; only MCUSR tells the firmware why it restarted.
   */
  private build(cause: ResetCause): void {
    const machine = new AvrMachine(UNO, this.flash, Date.now());
    const { cpu } = machine;
    new AVRWatchdog(cpu, watchdogConfig, new AVRClock(cpu, CLOCK_HZ, clockConfig));
    // avr8js's watchdog reset restarts at address 0; BOOTRST makes the chip start at the boot section.
    cpu.reset = () => {
      this.pendingReset = 'watchdog';
    };
    machine.onSerialByte((byte) => this.transmitListeners.forEach((listener) => listener(byte)));
    this.selfProgramming = new SelfProgramming(cpu, { spmcsr: SPMCSR, pageBytes: 128, bootStartByte: this.bootStartByte, nrwwStartByte: NRWW_START_BYTE, clockHz: CLOCK_HZ });
    cpu.pc = this.bootStartByte / 2;
    cpu.data[MCUSR] = resetFlags[cause];
    this.machine = machine;
    this.causes.push(cause);
  }
}
