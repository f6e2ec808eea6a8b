/**
 * SPM as the ATmega328P datasheet describes it ("Boot Loader Support – Read-While-Write
 * Self-Programming"): the page buffer, page erase and page write, the four-cycle window, the
 * boot-section rule, and the busy bits a bootloader polls.
 */
import { CPU } from 'avr8js';
import { describe, expect, it } from 'vitest';
import { SelfProgramming, SPM_OPCODE } from '../../../simulators/bootloader/self-programming.js';

const SPMCSR = 0x57;
const layout = { spmcsr: SPMCSR, pageBytes: 128, bootStartByte: 0x7e00, nrwwStartByte: 0x7000, clockHz: 16_000_000 };
const SELFPRGEN = 0x01;
const PGERS = 0x02;
const PGWRT = 0x04;
const RWWSRE = 0x10;
const RWWSB = 0x40;

function chip() {
  const cpu = new CPU(new Uint16Array(0x4000).fill(0xffff));
  const spm = new SelfProgramming(cpu, layout);
  cpu.pc = 0x3f00;
  cpu.progMem[cpu.pc] = SPM_OPCODE;
  /** Writes SPMCSR, then runs SPM with Z and R1:R0 set, from the boot section. */
  const spmWith = (control: number, z: number, word = 0) => {
    cpu.writeData(SPMCSR, control);
    cpu.dataView.setUint16(30, z, true);
    cpu.dataView.setUint16(0, word, true);
    cpu.pc = 0x3f00;
    spm.execute();
  };
  /** Lets the programming time pass, as clock events do between instructions. */
  const wait = (cycles: number) => {
    const until = cpu.cycles + cycles;
    while (cpu.cycles < until) {
      cpu.cycles += 100;
      cpu.tick();
    }
  };
  return { cpu, spm, spmWith, wait };
}

describe('self-programming', () => {
  it('fills the page buffer, erases the page, writes it, and re-enables the RWW section', () => {
    const { cpu, spm, spmWith, wait } = chip();
    cpu.progMem.fill(0x1234, 0x40, 0x80); // page 1 (bytes 0x80-0xff) holds an old program
    for (let word = 0; word < 64; word++) spmWith(SELFPRGEN, 0x80 + word * 2, 0xa000 + word);
    expect(cpu.progMem[0x40]).toBe(0x1234); // the buffer is not the flash
    spmWith(PGERS | SELFPRGEN, 0x80);
    expect([...cpu.progMem.subarray(0x40, 0x80)].every((word) => word === 0xffff)).toBe(true);
    // Busy: SELFPRGEN stays set, RWWSB too (an RWW page), for the programming time (3.7-4.5 ms).
    expect(cpu.data[SPMCSR]! & (SELFPRGEN | RWWSB)).toBe(SELFPRGEN | RWWSB);
    wait(4.5e-3 * 16e6);
    expect(cpu.data[SPMCSR]! & SELFPRGEN).toBe(0);
    spmWith(PGWRT | SELFPRGEN, 0x80);
    expect([...cpu.progMem.subarray(0x40, 0x80)]).toEqual(Array.from({ length: 64 }, (_, word) => 0xa000 + word));
    wait(4.5e-3 * 16e6);
    expect(cpu.data[SPMCSR]! & RWWSB).toBe(RWWSB);
    spmWith(RWWSRE | SELFPRGEN, 0);
    expect(cpu.data[SPMCSR]! & (RWWSB | SELFPRGEN)).toBe(0);
    expect(spm.stats).toEqual({ pagesErased: 1, pagesWritten: 1 });
    // The buffer auto-erased after the write: writing the next page without filling writes 0xFF.
    spmWith(PGWRT | SELFPRGEN, 0x100);
    expect([...cpu.progMem.subarray(0x80, 0xc0)].every((word) => word === 0xffff)).toBe(true);
  });

  it('does nothing outside the four cycles after SPMCSR is written, or from the application section', () => {
    const { cpu, spm } = chip();
    cpu.progMem.fill(0x1234, 0, 0x40);
    cpu.writeData(SPMCSR, PGERS | SELFPRGEN);
    cpu.cycles += 5;
    cpu.dataView.setUint16(30, 0, true);
    spm.execute();
    expect(cpu.progMem[0]).toBe(0x1234);
    cpu.writeData(SPMCSR, PGERS | SELFPRGEN);
    cpu.pc = 0x100; // the application section
    spm.execute();
    expect(cpu.progMem[0]).toBe(0x1234);
    expect(cpu.pc).toBe(0x101);
    expect(spm.stats).toEqual({ pagesErased: 0, pagesWritten: 0 });
  });
});
