/**
 * The Modbus twin's framing against published values: the CRC catalogue's check value, the
 * well-known request and answer frames of the Application Protocol's read example, and, for
 * any frame, the CRC recomputed by table, a different algorithm than the twin's bitwise one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendCrc, crc16Modbus, crcMatches, exceptionAnswer, frameGapMs, registersAnswer, registerWords, RtuRequestFramer } from '../../simulators/devices/modbus-frames.js';

const SEED = 1021;
const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** CRC-16/MODBUS by a 256-entry table, as Serial Line V1.02 §6.2.2 also offers it. */
const TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  return crc;
});
function tableCrc(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) crc = (crc >>> 8) ^ TABLE[(crc ^ byte) & 0xff]!;
  return crc;
}

describe('CRC-16/MODBUS', () => {
  it('has the check value 0x4B37 of the CRC catalogue ("123456789")', () => {
    expect(crc16Modbus(Buffer.from('123456789', 'latin1'))).toBe(0x4b37);
  });

  it('closes the frames of the published read example, low byte first', () => {
    // Slave 0x11 asks for holding registers 0x6B–0x6D (Application Protocol §6.3's example) and gets three words.
    expect(appendCrc(hex('11 03 00 6B 00 03'))).toEqual(hex('11 03 00 6B 00 03 76 87'));
    expect(registersAnswer(0x11, 3, [0xae41, 0x5652, 0x4340])).toEqual(hex('11 03 06 AE 41 56 52 43 40 49 AD'));
    expect(appendCrc(hex('01 03 00 00 00 0A'))).toEqual(hex('01 03 00 00 00 0A C5 CD'));
  });

  it('agrees with the table algorithm on any frame, and any one flipped bit breaks it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 254 }), fc.nat(), (body, flip) => {
        const frame = appendCrc(body);
        const crc = tableCrc(body);
        expect([frame.at(-2), frame.at(-1)]).toEqual([crc & 0xff, crc >>> 8]);
        expect(crcMatches(frame)).toBe(true);
        const damaged = Buffer.from(frame);
        const bit = flip % (damaged.length * 8);
        damaged[bit >> 3] = damaged[bit >> 3]! ^ (1 << (bit & 7));
        expect(crcMatches(damaged)).toBe(false);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe('answers (Application Protocol V1.1b3 §6.3, §6.4, §7)', () => {
  it('gives a byte count of twice the registers, then the registers big-endian', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 247 }), fc.constantFrom(3 as const, 4 as const), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 125 }), (slave, fn, registers) => {
        const frame = registersAnswer(slave, fn, registers);
        expect([frame[0], frame[1], frame[2]]).toEqual([slave, fn, 2 * registers.length]);
        registers.forEach((register, index) => expect(frame.readUInt16BE(3 + 2 * index)).toBe(register));
        expect(frame).toHaveLength(5 + 2 * registers.length);
        expect(tableCrc(frame)).toBe(0); // a sound frame's CRC over itself is zero
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('refuses with the function code plus 0x80 and the exception code', () => {
    expect(exceptionAnswer(0x0a, 0x01, 0x02)).toEqual(appendCrc(hex('0A 81 02')));
    expect(exceptionAnswer(1, 6, 1).subarray(0, 3)).toEqual(hex('01 86 01'));
  });

  it('lays 32-bit values over two registers in either word order', () => {
    expect(registerWords(1.5, 'float32', 'big')).toEqual([0x3fc0, 0x0000]);
    expect(registerWords(0x12345678, 'uint32', 'little')).toEqual([0x5678, 0x1234]);
    expect(registerWords(-1250, 'int32', 'big')).toEqual([0xffff, 0xfb1e]);
    expect(registerWords(-5, 'int16', 'big')).toEqual([0xfffb]);
  });
});

describe('request framing (Serial Line V1.02 §2.5.1.1)', () => {
  it('waits 3.5 characters of 11 bits between frames, 1.75 ms above 19,200 baud', () => {
    expect(frameGapMs(9600)).toBeCloseTo(4.0104, 3);
    expect(frameGapMs(115_200)).toBe(1.75);
  });

  it('finds a request split across chunks, and starts over after a silence', () => {
    const framer = new RtuRequestFramer(frameGapMs(9600));
    const request = hex('01 04 00 00 00 02 71 CB');
    expect(framer.push(request.subarray(0, 3), 0)).toEqual([]);
    expect(framer.push(request.subarray(3), 1)).toEqual([{ slave: 1, function: 4, address: 0, quantity: 2 }]);
    expect(framer.push(request.subarray(0, 5), 10)).toEqual([]);
    // The rest comes after a pause a slave takes for the end of a frame: the fragment is dropped.
    expect(framer.push(request.subarray(5), 20)).toEqual([]);
    expect(framer.push(request, 30)).toEqual([{ slave: 1, function: 4, address: 0, quantity: 2 }]);
  });
});
