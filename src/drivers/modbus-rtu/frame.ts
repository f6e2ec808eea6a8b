/**
 * Modbus RTU framing, pure. Sources:
 * - "MODBUS over Serial Line Specification and Implementation Guide V1.02" (2006):
 *   §2.2 addressing (slaves 1–247, 0 is broadcast), §2.5.1 RTU mode (11-bit characters),
 *   §2.5.1.1 message framing (a frame ends after 3.5 character times of silence; above
 *   19,200 baud a fixed 1.750 ms), §2.5.1.2 and §6.2.2 CRC checking and generation
 *   (CRC-16, polynomial 0xA001 reflected, initial 0xFFFF, sent low byte first).
 * - "MODBUS Application Protocol Specification V1.1b3" (2012): §4.2 data encoding (big-endian
 *   registers), §6.3 (0x03) Read Holding Registers, §6.4 (0x04) Read Input Registers
 *   (1–125 registers; the answer is the byte count then 2 bytes a register), §7 exception
 *   responses (function code + 0x80, then one exception code).
 *
 *   request   slave  fn  addr_hi addr_lo  qty_hi qty_lo  crc_lo crc_hi
 *   answer    slave  fn  2×qty  reg_hi reg_lo …            crc_lo crc_hi
 *   exception slave  fn|0x80  code                          crc_lo crc_hi
 */
// The one algorithm's module: the package's index loads all of its 28.
import crc16modbus from 'crc/crc16modbus';
import type { FrameLayout } from '../frames.js';

/** Functions this driver reads with. */
export type ReadFunction = 3 | 4;

/** Most registers one read may ask for (Application Protocol §6.3, §6.4). */
export const MAX_READ_REGISTERS = 125;

/** One read request: what the driver asked and so what the answer must look like. */
export interface ReadRequest {
  readonly slave: number;
  readonly function: ReadFunction;
  readonly address: number;
  readonly quantity: number;
}

/** An answer that passed its CRC: register values in address order, or the slave's refusal. */
export type ReadAnswer = { readonly kind: 'registers'; readonly registers: number[] } | { readonly kind: 'exception'; readonly code: number };

/** CRC-16/MODBUS of `bytes` (Serial Line §6.2.2, by the `crc` library); a frame carries it low byte first. */
export function modbusCrc(bytes: Uint8Array): number {
  return crc16modbus(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Whether the last two bytes of `frame` are the CRC of the rest. */
export function hasValidCrc(frame: Uint8Array): boolean {
  if (frame.length < 4) return false;
  const crc = modbusCrc(frame.subarray(0, frame.length - 2));
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}

/** Appends the CRC to an address + PDU. */
export function withCrc(body: readonly number[] | Uint8Array): Buffer {
  const frame = Buffer.alloc(body.length + 2);
  frame.set(body);
  frame.writeUInt16LE(modbusCrc(frame.subarray(0, body.length)), body.length);
  return frame;
}

/** The request for a read of holding (3) or input (4) registers. */
export function encodeReadRequest(request: ReadRequest): Buffer {
  const { slave, address, quantity } = request;
  return withCrc([slave, request.function, address >> 8, address & 0xff, quantity >> 8, quantity & 0xff]);
}

/** Length of the normal answer to `request`. */
export function answerLength(request: ReadRequest): number {
  return 5 + 2 * request.quantity;
}

/**
 * Where the answer to `request` is in what comes back. The header is the slave address; the
 * function byte and the byte count then decide the length, so an exception (5 bytes) and a
 * normal answer are both found, and any other pair is no frame of ours.
 */
export function answerLayout(request: ReadRequest): FrameLayout {
  const exception = request.function | 0x80;
  const expectedCount = 2 * request.quantity;
  return {
    header: [request.slave],
    maxLength: answerLength(request),
    frameLength(buffer, offset) {
      if (buffer.length < offset + 2) return undefined;
      const fn = buffer[offset + 1];
      if (fn === exception) return 5;
      if (fn !== request.function) return Number.NaN;
      if (buffer.length < offset + 3) return undefined;
      return buffer[offset + 2] === expectedCount ? answerLength(request) : Number.NaN;
    },
    check: (frame) => (hasValidCrc(frame) ? undefined : 'bad CRC'),
  };
}

/** Reads an answer that `answerLayout(request)` found and checked. */
export function decodeAnswer(frame: Buffer): ReadAnswer {
  if ((frame[1]! & 0x80) !== 0) return { kind: 'exception', code: frame[2]! };
  const registers: number[] = [];
  for (let at = 3; at < frame.length - 2; at += 2) registers.push(frame.readUInt16BE(at));
  return { kind: 'registers', registers };
}

/** Exception codes of Application Protocol §7, as problem kinds a technician can look up. */
const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal-function',
  2: 'illegal-data-address',
  3: 'illegal-data-value',
  4: 'server-device-failure',
  5: 'acknowledge',
  6: 'server-device-busy',
  8: 'memory-parity-error',
  10: 'gateway-path-unavailable',
  11: 'gateway-target-device-failed-to-respond',
};

/** The spec's name of an exception code (`illegal-data-address`), or `code-N` for codes it does not define. */
export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `code-${code}`;
}

/**
 * Silence that ends an RTU frame at `baud` (Serial Line §2.5.1.1): 3.5 characters of 11 bits,
 * or 1.750 ms above 19,200 baud. A master waits at least this long between frames.
 */
export function interFrameSilenceMs(baud: number): number {
  return baud > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baud;
}

/** The slave's answer to a read (the twin's side, and tests'). */
export function encodeReadAnswer(request: ReadRequest, registers: readonly number[]): Buffer {
  const body = [request.slave, request.function, 2 * registers.length];
  for (const register of registers) body.push(register >> 8, register & 0xff);
  return withCrc(body);
}

/** The slave's refusal (the twin's side, and tests'). */
export function encodeException(slave: number, fn: number, code: number): Buffer {
  return withCrc([slave, fn | 0x80, code]);
}

/** A request the twin received: address, function and, for reads, what was asked. */
export interface ReceivedRequest {
  readonly slave: number;
  readonly function: number;
  /** Present for reads (functions 3 and 4), whose request carries a start address and a count. */
  readonly address?: number;
  readonly quantity?: number;
}

/** Reads a CRC-checked request frame (the twin's side). */
export function decodeRequest(frame: Buffer): ReceivedRequest {
  const slave = frame[0]!;
  const fn = frame[1]!;
  if ((fn === 3 || fn === 4) && frame.length === 8) return { slave, function: fn, address: frame.readUInt16BE(2), quantity: frame.readUInt16BE(4) };
  return { slave, function: fn };
}
