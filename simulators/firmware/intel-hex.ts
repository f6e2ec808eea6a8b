/**
 * Intel HEX, the file avr-objcopy writes and avrdude flashes, read into a flash image. Pure.
 * Format: Intel's "Hexadecimal Object File Format Specification" (rev. A, 1988): each record
 * is `:LLAAAATT<data>CC` in hex digits, LL data bytes at offset AAAA, type TT, and CC the
 * two's complement of the sum of every byte before it. Types used here: 00 data, 01 end of
 * file, 02 extended segment address (base = value × 16), 04 extended linear address
 * (base = value << 16); 03 and 05 (start addresses) say nothing about the flash image.
 */

/** A flash image and how much of it the file filled. */
export interface FlashImage {
  /** The flash, erased (0xFF) where the file wrote nothing. */
  readonly bytes: Uint8Array;
  /** One past the highest address written. */
  readonly end: number;
}

/** A malformed or oversized HEX file, with the line it was found on. */
export class IntelHexError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'IntelHexError';
  }
}

const RECORD = { data: 0x00, endOfFile: 0x01, segment: 0x02, startSegment: 0x03, linear: 0x04, startLinear: 0x05 } as const;

/** Parses `text` into a flash of `flashBytes`; throws IntelHexError on a bad record or an address past the flash. */
export function parseIntelHex(text: string, flashBytes: number): FlashImage {
  const bytes = new Uint8Array(flashBytes).fill(0xff);
  let base = 0;
  let end = 0;
  let sawEnd = false;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!.trim();
    if (line === '') continue;
    if (sawEnd) throw new IntelHexError('a record after the end-of-file record', lineNumber);
    const record = decodeRecord(line, lineNumber);
    switch (record.type) {
      case RECORD.data: {
        const address = base + record.offset;
        if (address + record.data.length > flashBytes) throw new IntelHexError(`data at 0x${address.toString(16)} runs past the ${flashBytes}-byte flash`, lineNumber);
        bytes.set(record.data, address);
        end = Math.max(end, address + record.data.length);
        break;
      }
      case RECORD.endOfFile:
        sawEnd = true;
        break;
      case RECORD.segment:
        base = wordOf(record, lineNumber) * 16;
        break;
      case RECORD.linear:
        base = wordOf(record, lineNumber) * 0x10000;
        break;
      case RECORD.startSegment:
      case RECORD.startLinear:
        break;
      default:
        throw new IntelHexError(`unknown record type 0x${record.type.toString(16).padStart(2, '0')}`, lineNumber);
    }
  }
  if (!sawEnd) throw new IntelHexError('no end-of-file record (:00000001FF): the file is cut short', lines.length);
  return { bytes, end };
}

interface HexRecord {
  readonly offset: number;
  readonly type: number;
  readonly data: Uint8Array;
}

function decodeRecord(line: string, lineNumber: number): HexRecord {
  if (!line.startsWith(':')) throw new IntelHexError(`a record starts with ':', not ${JSON.stringify(line.slice(0, 1))}`, lineNumber);
  const digits = line.slice(1);
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0 || digits.length < 10) throw new IntelHexError('not an even run of at least 10 hex digits', lineNumber);
  const raw = Uint8Array.from(digits.match(/../g)!, (pair) => parseInt(pair, 16));
  const length = raw[0]!;
  if (raw.length !== length + 5) throw new IntelHexError(`the record says ${length} data bytes but holds ${raw.length - 5}`, lineNumber);
  const sum = raw.reduce((total, byte) => (total + byte) & 0xff, 0);
  if (sum !== 0) throw new IntelHexError('checksum mismatch', lineNumber);
  return { offset: (raw[1]! << 8) | raw[2]!, type: raw[3]!, data: raw.subarray(4, 4 + length) };
}

function wordOf(record: HexRecord, lineNumber: number): number {
  if (record.data.length !== 2) throw new IntelHexError('an address record carries 2 bytes', lineNumber);
  return (record.data[0]! << 8) | record.data[1]!;
}
