/**
 * Register values, pure. A Modbus register is 16 bits sent big-endian (Application Protocol
 * V1.1b3 §4.2); the protocol says nothing about wider values, so a 32-bit integer or an
 * IEEE 754 float spans two consecutive registers in the order the device's manual gives:
 * `big` puts the high word at the lower address (AB CD, "big-endian"), `little` the low word
 * first (CD AB, "word-swapped"). Bytes inside a register are always big-endian.
 */
import { scaleExactly } from '../lines/decode.js';

/** The value types a sensor's registers can hold. */
export const registerTypes = ['int16', 'uint16', 'int32', 'uint32', 'float32'] as const;
export type RegisterType = (typeof registerTypes)[number];

/** Which register holds the high word of a 32-bit value. */
export const wordOrders = ['big', 'little'] as const;
export type WordOrder = (typeof wordOrders)[number];

/** How many registers a value of `type` spans. */
export function registerCount(type: RegisterType): 1 | 2 {
  return type === 'int16' || type === 'uint16' ? 1 : 2;
}

/** The raw value of `type` in `registers` (in address order, as many as `registerCount`). */
export function decodeRegisters(registers: readonly number[], type: RegisterType, wordOrder: WordOrder): number {
  const bytes = Buffer.alloc(4);
  const [first = 0, second = 0] = registers;
  if (registerCount(type) === 1) bytes.writeUInt16BE(first);
  else {
    bytes.writeUInt16BE(wordOrder === 'big' ? first : second, 0);
    bytes.writeUInt16BE(wordOrder === 'big' ? second : first, 2);
  }
  switch (type) {
    case 'int16':
      return bytes.readInt16BE(0);
    case 'uint16':
      return bytes.readUInt16BE(0);
    case 'int32':
      return bytes.readInt32BE(0);
    case 'uint32':
      return bytes.readUInt32BE(0);
    case 'float32':
      return shortestFloat32(bytes.readFloatBE(0));
  }
}

/** The registers a device holding `raw` as `type` answers with (the twin's side, and tests'). */
export function encodeRegisters(raw: number, type: RegisterType, wordOrder: WordOrder): number[] {
  const bytes = Buffer.alloc(4);
  switch (type) {
    case 'int16':
      bytes.writeInt16BE(raw);
      return [bytes.readUInt16BE(0)];
    case 'uint16':
      bytes.writeUInt16BE(raw);
      return [bytes.readUInt16BE(0)];
    case 'int32':
      bytes.writeInt32BE(raw);
      break;
    case 'uint32':
      bytes.writeUInt32BE(raw);
      break;
    case 'float32':
      bytes.writeFloatBE(raw);
      break;
  }
  const high = bytes.readUInt16BE(0);
  const low = bytes.readUInt16BE(2);
  return wordOrder === 'big' ? [high, low] : [low, high];
}

/**
 * raw × scale + offset, without binary noise (2153 × 0.01 is 21.53); undefined for a float
 * register holding NaN or infinity, which some devices use for "no measurement".
 */
export function engineeringValue(raw: number, scale: number, offset: number): number | undefined {
  if (!Number.isFinite(raw)) return undefined;
  if (scale === 1 && offset === 0) return raw;
  return scaleExactly(raw, decimalPlaces(raw), scale, offset);
}

/**
 * The shortest decimal that is the same float32: the device meant 2.345, not the
 * 2.3450000286102295 its bits widen to, and the shorter number also encodes smaller.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  const point = mantissa.indexOf('.');
  return Math.max(0, (point < 0 ? 0 : mantissa.length - point - 1) - Number(exponent));
}
