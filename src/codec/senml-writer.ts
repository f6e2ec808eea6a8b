/**
 * Writes an exact SenML-CBOR pack straight into bytes: the same bytes as cbor-x's encoding
 * followed by the shortest-float rewrite (cbor.ts), in one pass that allocates only the
 * result. That route builds a Map per record, an entry array per field and a Buffer view per
 * CBOR head: about 140 KB of garbage for a pack of 100 readings, which at a steady 1,000
 * lines a second was close to half of everything the node allocated and kept the collector
 * busy. Records are what packFromReadings makes: text, numbers and booleans. A record holding
 * anything else (a `vd` byte string, an object in an extension field) is not written here;
 * the caller then takes the general route.
 *
 * Encoding rules (RFC 8949 §4.2.2 preferred serialization, as cbor.ts promises):
 * - heads in their shortest form;
 * - integers from -2^32 to 2^32 - 1 as CBOR integers, as cbor-x writes them (larger ones are
 *   floats there too: they decode to the same number);
 * - other numbers as a float16 or float32 when that is the very same double, else a float64;
 *   NaN as the float32 0x7fc00000, -0 as the integer 0.
 */
import { halfBitsOf } from './half-float.js';
import type { SenmlRecord } from './senml.js';

/** Bytes grow from here; kept between packs, so a steady stream writes into the same memory. */
let scratch = Buffer.allocUnsafe(16 * 1024);
let at = 0;

/**
 * The pack as exact SenML-CBOR, or undefined when a record holds a value other than text, a
 * number or a boolean. `labelOf` maps field names to the RFC's integer labels; other fields
 * keep their text key (RFC 8428 §6).
 */
export function writeExactPack(records: readonly SenmlRecord[], labelOf: ReadonlyMap<string, number>): Buffer | undefined {
  at = 0;
  writeHead(4, records.length);
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    let fields = 0;
    for (const key in record) {
      const value = record[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') return undefined;
      fields++;
    }
    writeHead(5, fields);
    for (const key in record) {
      const value = record[key] as number | string | boolean | undefined;
      if (value === undefined) continue;
      const label = labelOf.get(key);
      if (label === undefined) writeText(key);
      else writeNumber(label);
      if (typeof value === 'number') writeNumber(value);
      else if (typeof value === 'string') writeText(value);
      else writeByte(value ? 0xf5 : 0xf4);
    }
  }
  const pack = Buffer.allocUnsafe(at);
  scratch.copy(pack, 0, 0, at);
  return pack;
}

/** Room for `bytes` more, keeping what is written. */
function reserve(bytes: number): void {
  if (at + bytes <= scratch.length) return;
  const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, at + bytes));
  scratch.copy(grown, 0, 0, at);
  scratch = grown;
}

function writeByte(byte: number): void {
  reserve(1);
  scratch[at++] = byte;
}

/** A head: major type and its argument (a count, a length or an unsigned value below 2^32), shortest form. */
function writeHead(major: number, argument: number): void {
  reserve(5);
  const type = major << 5;
  if (argument < 24) {
    scratch[at++] = type | argument;
  } else if (argument < 0x100) {
    scratch[at++] = type | 24;
    scratch[at++] = argument;
  } else if (argument < 0x10000) {
    scratch[at++] = type | 25;
    scratch.writeUInt16BE(argument, at);
    at += 2;
  } else {
    scratch[at++] = type | 26;
    scratch.writeUInt32BE(argument, at);
    at += 4;
  }
}

function writeNumber(value: number): void {
  if (value >>> 0 === value) return writeHead(0, value);
  if (Number.isInteger(value) && value < 0 && value >= -0x100000000) return writeHead(1, -1 - value);
  reserve(9);
  if (Number.isNaN(value)) {
    scratch[at++] = 0xfa;
    at = scratch.writeFloatBE(NaN, at);
    return;
  }
  // A value that no float32 holds needs no float16 test: float16s are float32s.
  if (Math.fround(value) !== value) {
    scratch[at++] = 0xfb;
    at = scratch.writeDoubleBE(value, at);
    return;
  }
  const half = halfBitsOf(value);
  if (half !== undefined) {
    scratch[at++] = 0xf9;
    at = scratch.writeUInt16BE(half, at);
  } else {
    scratch[at++] = 0xfa;
    at = scratch.writeFloatBE(value, at);
  }
}

/** A text string: UTF-8 bytes after their length. */
function writeText(text: string): void {
  let ascii = true;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    writeHead(3, text.length);
    reserve(text.length);
    for (let index = 0; index < text.length; index++) scratch[at++] = text.charCodeAt(index);
    return;
  }
  const length = Buffer.byteLength(text, 'utf8');
  writeHead(3, length);
  reserve(length);
  at += scratch.write(text, at, 'utf8');
}
