/**
 * The slave's side of Modbus RTU, written from the specifications:
 * - "MODBUS over Serial Line Specification and Implementation Guide V1.02": §2.5.1 RTU
 *   characters (11 bits: start, 8 data, parity or a second stop, stop), §2.5.1.1 framing
 *   (3.5 characters of silence end a frame; 1.750 ms above 19,200 baud), §2.5.1.2 a frame
 *   with a bad CRC is discarded without answer, §6.2.2 CRC generation (CRC-16, initial
 *   0xFFFF, reflected polynomial 0xA001, appended low byte first).
 * - "MODBUS Application Protocol Specification V1.1b3": §4.2 registers are big-endian,
 *   §6.3 Read Holding Registers (0x03) and §6.4 Read Input Registers (0x04): a request is
 *   function, start address, quantity (1–125); the answer is function, byte count (2 × N),
 *   then the registers; §7 an exception answer is function + 0x80 then one exception code.
 */

/** Most registers one read may ask for (Application Protocol §6.3, §6.4). */
export const MAX_REGISTERS_PER_READ = 125;
/** The longest RTU frame (Serial Line §2.5.1: address, 253-byte PDU, CRC). */
export const MAX_RTU_FRAME = 256;

/** Exception codes of Application Protocol §7 that a register read can earn. */
export const EXCEPTION = { illegalFunction: 1, illegalDataAddress: 2, illegalDataValue: 3 } as const;

/** A request with a sound CRC: its slave, its function and, for reads, the registers asked for. */
export interface SlaveRequest {
  readonly slave: number;
  readonly function: number;
  readonly address?: number | undefined;
  readonly quantity?: number | undefined;
}

/** CRC-16/MODBUS, bit by bit as Serial Line §6.2.2 describes it. */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Address and PDU followed by their CRC, low byte first. */
export function appendCrc(body: readonly number[] | Uint8Array): Buffer {
  const frame = Buffer.alloc(body.length + 2);
  frame.set(body);
  const crc = crc16Modbus(frame.subarray(0, body.length));
  frame[body.length] = crc & 0xff;
  frame[body.length + 1] = crc >>> 8;
  return frame;
}

/** Whether a frame's last two bytes are the CRC of the rest. */
export function crcMatches(frame: Uint8Array): boolean {
  if (frame.length < 4) return false;
  const crc = crc16Modbus(frame.subarray(0, frame.length - 2));
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}

/** Reads a CRC-checked request: a read (3, 4) carries a start address and a quantity. */
export function parseSlaveRequest(frame: Buffer): SlaveRequest {
  const slave = frame[0]!;
  const fn = frame[1]!;
  if ((fn === 3 || fn === 4) && frame.length === 8) return { slave, function: fn, address: frame.readUInt16BE(2), quantity: frame.readUInt16BE(4) };
  return { slave, function: fn };
}

/** The normal answer to a read: slave, function, byte count, registers big-endian, CRC. */
export function registersAnswer(slave: number, fn: 3 | 4, registers: readonly number[]): Buffer {
  const body = [slave, fn, 2 * registers.length];
  for (const register of registers) body.push((register >> 8) & 0xff, register & 0xff);
  return appendCrc(body);
}

/** The exception answer: slave, function with its high bit set, the code, CRC. */
export function exceptionAnswer(slave: number, fn: number, code: number): Buffer {
  return appendCrc([slave, (fn | 0x80) & 0xff, code]);
}

/** Silence that ends a frame at `baud` (Serial Line §2.5.1.1). */
export function frameGapMs(baud: number): number {
  return baud > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baud;
}

/** How a device lays a value across its 16-bit registers. */
export type RegisterLayout = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32';

/**
 * The register words holding `raw`: 16-bit types take one register, 32-bit ones two, most
 * significant word first (`big`) or last (`little`, as many probes store them). Modbus
 * defines only 16-bit registers; the word order of wider values is the device maker's.
 */
export function registerWords(raw: number, layout: RegisterLayout, wordOrder: 'big' | 'little'): number[] {
  const bytes = new DataView(new ArrayBuffer(4));
  switch (layout) {
    case 'int16':
    case 'uint16':
      return [raw & 0xffff];
    case 'int32':
    case 'uint32':
      bytes.setUint32(0, raw >>> 0);
      break;
    case 'float32':
      bytes.setFloat32(0, raw);
      break;
  }
  const words = [bytes.getUint16(0), bytes.getUint16(2)];
  return wordOrder === 'big' ? words : words.reverse();
}

/**
 * Frames requests as a slave does: a pause of 3.5 characters starts a new frame, and a
 * frame is what a sound CRC closes. Bytes that no CRC closes within the longest frame are
 * line noise and are dropped.
 */
export class RtuRequestFramer {
  private received: Buffer = Buffer.alloc(0);
  private lastByteAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly gapMs: number) {}

  /** The requests completed by `data`, arrived at monotonic time `now`. */
  push(data: Buffer, now: number): SlaveRequest[] {
    if (now - this.lastByteAt >= this.gapMs) this.received = Buffer.alloc(0);
    this.lastByteAt = now;
    this.received = Buffer.concat([this.received, data]);
    const requests: SlaveRequest[] = [];
    for (let length = 4; length <= this.received.length; length++) {
      const frame = this.received.subarray(0, length);
      if (!crcMatches(frame)) continue;
      requests.push(parseSlaveRequest(Buffer.from(frame)));
      this.received = this.received.subarray(length);
      length = 3;
    }
    if (this.received.length > MAX_RTU_FRAME) this.received = Buffer.alloc(0);
    return requests;
  }

  reset(): void {
    this.received = Buffer.alloc(0);
    this.lastByteAt = Number.NEGATIVE_INFINITY;
  }
}
