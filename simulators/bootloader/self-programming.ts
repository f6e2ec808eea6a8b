/**
 * The SPM instruction and its control register, which avr8js 0.21.1 decodes as a no-op: a
 * bootloader such as optiboot needs them to write the application into flash.
 *
 * Semantics from the ATmega328P datasheet (DS40002061A), "Boot Loader Support – Read-While-
 * Write Self-Programming":
 * - SPMCSR bits: SPMIE 7, RWWSB 6, SIGRD 5, RWWSRE 4, BLBSET 3, PGWRT 2, PGERS 1, SELFPRGEN 0.
 *   SPM acts only if it runs within four cycles of a write to SPMCSR with SELFPRGEN set, and
 *   only from the boot loader section.
 * - "Filling the Temporary Buffer": SELFPRGEN alone stores R1:R0 at the word Z selects in the
 *   page buffer (Z[6:1] for 64-word pages).
 * - "Performing Page Erase by SPM": PGERS|SELFPRGEN erases the page Z[13:7] to 0xFF.
 * - "Performing a Page Write": PGWRT|SELFPRGEN writes the buffer to the page Z[13:7]; the
 *   buffer then auto-erases.
 * - While an erase or write runs SELFPRGEN stays set (boot_spm_busy_wait() polls it) and, for
 *   the RWW section, RWWSB is set until software writes RWWSRE|SELFPRGEN.
 * - "SPM Programming Time": 3.7 to 4.5 ms per erase or write; the maximum is modelled.
 * Not modelled: the CPU halt during NRWW writes, lock bits (BLBSET), signature reads (SIGRD),
 * the SPM-ready interrupt.
 */
import type { CPU } from 'avr8js';

/** The SPM opcode, 1001 0101 1110 1000. */
export const SPM_OPCODE = 0x95e8;

const SELFPRGEN = 0x01;
const PGERS = 0x02;
const PGWRT = 0x04;
const RWWSRE = 0x10;
const RWWSB = 0x40;
const COMMAND_BITS = 0x1f;
const ARMED_CYCLES = 4;
const PROGRAMMING_SECONDS = 4.5e-3;

/** Where a chip keeps SPMCSR and how its flash is cut into pages and sections. */
export interface SelfProgrammingLayout {
  /** Data-space address of SPMCSR (0x57 on the ATmega328P: I/O 0x37 + 0x20). */
  readonly spmcsr: number;
  /** Bytes per flash page (128 on the ATmega328P). */
  readonly pageBytes: number;
  /** Byte address where the boot loader section starts (BOOTSZ fuses). */
  readonly bootStartByte: number;
  /** Byte address where the no-read-while-write section starts (0x7000 on the ATmega328P). */
  readonly nrwwStartByte: number;
  readonly clockHz: number;
}

/** Counts what the bootloader did to the flash, for the figures a flashing test reports. */
export interface SelfProgrammingStats {
  pagesErased: number;
  pagesWritten: number;
}

/** Attaches SPMCSR to `cpu`; the machine calls `execute()` in place of each SPM opcode. */
export class SelfProgramming {
  readonly stats: SelfProgrammingStats = { pagesErased: 0, pagesWritten: 0 };
  private readonly buffer: Uint16Array;
  private armedUntil = -1;
  private busy = false;

  constructor(
    private readonly cpu: CPU,
    private readonly layout: SelfProgrammingLayout,
  ) {
    this.buffer = new Uint16Array(layout.pageBytes / 2).fill(0xffff);
    cpu.writeHooks[layout.spmcsr] = (value, oldValue) => {
      // While an erase or write runs, the command bits are read-only.
      const command = this.busy ? oldValue & COMMAND_BITS : value & COMMAND_BITS;
      cpu.data[layout.spmcsr] = (oldValue & RWWSB) | command | (value & 0x80);
      if (!this.busy && command & SELFPRGEN) this.armedUntil = cpu.cycles + ARMED_CYCLES;
      return true;
    };
  }

  /** Runs one SPM instruction at the CPU's program counter and steps past it. */
  execute(): void {
    const { cpu, layout } = this;
    const inBootSection = cpu.pc * 2 >= layout.bootStartByte;
    const armed = cpu.cycles <= this.armedUntil && !this.busy;
    cpu.pc += 1;
    cpu.cycles += 1;
    if (!inBootSection || !armed) return;
    this.armedUntil = -1;
    const control = cpu.data[layout.spmcsr]!;
    const z = cpu.dataView.getUint16(30, true);
    const page = z & ~(layout.pageBytes - 1) & 0xffff;
    switch (control & COMMAND_BITS) {
      case SELFPRGEN:
        this.buffer[(z & (layout.pageBytes - 1)) >> 1] = cpu.dataView.getUint16(0, true);
        this.done(control);
        return;
      case PGERS | SELFPRGEN:
        cpu.progMem.fill(0xffff, page / 2, (page + layout.pageBytes) / 2);
        this.stats.pagesErased += 1;
        this.program(control, page);
        return;
      case PGWRT | SELFPRGEN:
        cpu.progMem.set(this.buffer, page / 2);
        this.buffer.fill(0xffff);
        this.stats.pagesWritten += 1;
        this.program(control, page);
        return;
      case RWWSRE | SELFPRGEN:
        this.buffer.fill(0xffff);
        cpu.data[layout.spmcsr] = control & ~(RWWSB | COMMAND_BITS);
        return;
      default:
        this.done(control);
    }
  }

  /** An erase or write takes the programming time; SELFPRGEN (and RWWSB in RWW) show it. */
  private program(control: number, page: number): void {
    const { cpu, layout } = this;
    this.busy = true;
    const rww = page < layout.nrwwStartByte ? RWWSB : 0;
    cpu.data[layout.spmcsr] = control | rww;
    cpu.addClockEvent(() => {
      this.busy = false;
      this.done(cpu.data[layout.spmcsr]!);
    }, Math.round(PROGRAMMING_SECONDS * layout.clockHz));
  }

  private done(control: number): void {
    this.cpu.data[this.layout.spmcsr] = control & ~COMMAND_BITS;
  }
}
