import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntelHexError, parseIntelHex } from '../../../simulators/firmware/intel-hex.js';
import { firmwareHexPath } from '../../../simulators/firmware/sketches.js';
import { describeWithFirmware } from '../../support/firmware.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** One record as the specification lays it out, checksum included: an encoder independent of the parser. */
function record(type: number, offset: number, data: readonly number[]): string {
  const bytes = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...data];
  const checksum = (0x100 - (bytes.reduce((sum, byte) => sum + byte, 0) & 0xff)) & 0xff;
  return `:${[...bytes, checksum].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join('')}`;
}

const END = ':00000001FF';

describe('Intel HEX', () => {
  it('fills the flash where data records say, erased (0xFF) elsewhere, across extended linear addresses', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ address: fc.nat(0x1ffff - 16), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }), { maxLength: 20 }), (chunks) => {
        const expected = new Uint8Array(0x20000).fill(0xff);
        const lines: string[] = [];
        for (const { address, data } of chunks) {
          lines.push(record(0x04, 0, [address >> 24, (address >> 16) & 0xff]));
          // A record stays within its 64 KiB segment: split one that would cross.
          const inSegment = Math.min(data.length, 0x10000 - (address & 0xffff));
          lines.push(record(0x00, address & 0xffff, [...data.subarray(0, inSegment)]));
          if (inSegment < data.length) lines.push(record(0x04, 0, [0, ((address >> 16) + 1) & 0xff]), record(0x00, 0, [...data.subarray(inSegment)]));
          expected.set(data, address);
        }
        const image = parseIntelHex([...lines, END].join('\r\n'), 0x20000);
        // Compared as buffers: a 128 KiB toEqual per run would dominate the test.
        expect(Buffer.from(image.bytes).equals(Buffer.from(expected))).toBe(true);
        expect(image.end).toBe(chunks.reduce((end, { address, data }) => Math.max(end, address + data.length), 0));
      }),
      { numRuns: 60 },
    );
  });

  it('applies extended segment addresses (base = value x 16)', () => {
    const image = parseIntelHex([record(0x02, 0, [0x10, 0x00]), record(0x00, 0x0004, [1, 2]), END].join('\n'), 0x20000);
    expect([...image.bytes.subarray(0x10004, 0x10006)]).toEqual([1, 2]);
  });

  it('refuses a corrupted file with the line it is on', () => {
    const good = record(0x00, 0, [0x0c, 0x94]);
    const flipped = `${good.slice(0, 9)}${good[9] === '0' ? '1' : '0'}${good.slice(10)}`;
    const cases: [string, RegExp][] = [
      [[flipped, END].join('\n'), /line 1: checksum mismatch/],
      [[good].join('\n'), /no end-of-file record/],
      [[good, 'x0000', END].join('\n'), /line 2: a record starts with ':'/],
      [[good, ':0G', END].join('\n'), /line 2: not an even run of at least 10 hex digits/],
      [[record(0x00, 0x7ffe, [1, 2, 3]), END].join('\n'), /line 1: data at 0x7ffe runs past the 32768-byte flash/],
      [[END, good].join('\n'), /line 2: a record after the end-of-file record/],
      [[record(0x07, 0, []), END].join('\n'), /line 1: unknown record type 0x07/],
      [[':0300000001', END].join('\n'), /line 1: the record says 3 data bytes but holds 0/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseIntelHex(text, 0x8000)).toThrow(IntelHexError);
      expect(() => parseIntelHex(text, 0x8000)).toThrow(message);
    }
  });
});

describeWithFirmware('weather-station', 'arduino-uno', 'Intel HEX from avr-objcopy', () => {
  it('reads the built .hex into the same bytes avr-objcopy extracts as a raw binary', () => {
    const hex = firmwareHexPath('weather-station', 'arduino-uno');
    const binary = join(mkdtempSync(join(tmpdir(), 'fieldnode-hex-')), 'flash.bin');
    execFileSync('avr-objcopy', ['-I', 'ihex', '-O', 'binary', hex, binary]);
    const raw = readFileSync(binary);
    const image = parseIntelHex(readFileSync(hex, 'utf8'), 32 * 1024);
    expect(image.end).toBe(raw.length);
    expect(Buffer.from(image.bytes.subarray(0, image.end))).toEqual(raw);
  });
});
