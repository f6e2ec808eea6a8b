/**
 * SenML-CBOR bytes (RFC 8428 §6; media type application/senml+cbor, CoAP content-format 112).
 * The only file that touches cbor-x.
 */
import { Decoder, Encoder, FLOAT32_OPTIONS } from 'cbor-x';
import { halfBitsOf } from './half-float.js';
import { senmlLabels, SenmlError, type SenmlField, type SenmlRecord } from './senml.js';
import { writeExactPack } from './senml-writer.js';

/** MQTT 5 content type of every data message. */
export const SENML_CBOR_CONTENT_TYPE = 'application/senml+cbor';

const labelOf = new Map<string, number>(Object.entries(senmlLabels));
const fieldOf = new Map<number, SenmlField>(Object.entries(senmlLabels).map(([field, label]) => [label, field as SenmlField]));

/**
 * How non-integer numbers are written. `exact` (the default) writes each as a float64, so every
 * CBOR decoder reads the very double the reading held (RFC 8428 §6: a CBOR number converts to
 * exactly the same IEEE double as the JSON number would). `compact` writes a 4-byte float when
 * the value's decimal digits survive the trip (21.53 does; 0.1 + 0.2 does not): half the size,
 * but a generic decoder then reads 6.37 as 6.369999885559082; only fieldnode's own decoder,
 * told `floats: 'compact'`, rounds such floats back to their decimal. Integers are CBOR
 * integers either way.
 *
 * cbor-x has no mode that writes a shorter float only when it is the same double, so exact
 * packs are written with float64 and then each float64 that a float16 or float32 holds exactly
 * (21.5, 0.25, a time offset of 0.125 s) is rewritten in that shorter form: the preferred
 * serialization of RFC 8949 §4.2.2, which changes no value.
 */
export type FloatEncoding = 'exact' | 'compact';

// useTag259ForMaps is honoured by cbor-x but missing from its typings; without it every map
// would carry a 3-byte tag that SenML receivers do not expect.
const commonOptions = { useRecords: false, useTag259ForMaps: false, variableMapSize: true };
const encoders: Record<FloatEncoding, Encoder> = {
  exact: new Encoder({ ...commonOptions, useFloat32: FLOAT32_OPTIONS.NEVER }),
  compact: new Encoder({ ...commonOptions, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT }),
};
// Reading an exact pack never rounds: a float32 or float16 from another producer is the double it stands for.
const decoders: Record<FloatEncoding, Decoder> = {
  exact: new Decoder({ useRecords: false, mapsAsObjects: false, useFloat32: FLOAT32_OPTIONS.NEVER }),
  compact: new Decoder({ useRecords: false, mapsAsObjects: false, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT }),
};

/** Encodes a pack: an array of maps whose keys are the RFC's integer labels. */
export function encodeSenmlCbor(records: readonly SenmlRecord[], floats: FloatEncoding = 'exact'): Buffer {
  // The usual pack (text, numbers, booleans) is written directly: the same bytes, without the garbage.
  return (floats === 'exact' ? writeExactPack(records, labelOf) : undefined) ?? encodeWithCborX(records, floats);
}

/** encodeSenmlCbor through cbor-x, for every pack: what the direct writer must equal, byte for byte. */
export function encodeWithCborX(records: readonly SenmlRecord[], floats: FloatEncoding): Buffer {
  const maps = new Array<Map<number | string, unknown>>(records.length);
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const map = new Map<number | string, unknown>();
    for (const key in record) {
      const value = record[key];
      if (value === undefined) continue;
      // Extensions without a registered label (`hist_`...) keep their text key, as RFC 8428 §6 allows.
      // -0 would go out as the integer 0 (cbor-x tests integers with `>>> 0`); it is the same number.
      map.set(labelOf.get(key) ?? key, Object.is(value, -0) ? 0 : value);
    }
    maps[index] = map;
  }
  const bytes = encoders[floats].encode(maps);
  return floats === 'exact' ? shortestExactFloats(bytes) : bytes;
}

/**
 * The same CBOR item with every float64 that a float16 or float32 holds exactly written in
 * that shorter form. Arrays and maps count items, not bytes, so floats can shrink in place of
 * a copy; strings are skipped whole, so a 0xfb inside one is never taken for a float.
 */
export function shortestExactFloats(bytes: Uint8Array): Buffer {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const output = Buffer.allocUnsafe(input.length);
  let from = 0;
  let to = 0;
  while (from < input.length) {
    const initial = input[from]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (initial === 0xfb && from + 9 <= input.length) {
      const value = input.readDoubleBE(from + 1);
      const half = halfBitsOf(value);
      if (half !== undefined) {
        output[to] = 0xf9;
        output.writeUInt16BE(half, to + 1);
        to += 3;
      } else if (Math.fround(value) === value || Number.isNaN(value)) {
        output[to] = 0xfa;
        output.writeFloatBE(value, to + 1);
        to += 5;
      } else {
        to += input.copy(output, to, from, from + 9);
      }
      from += 9;
      continue;
    }
    // Any other head is copied as it is, with the bytes of a string it opens.
    const size = info < 24 || info === 31 ? 0 : 1 << (info - 24);
    let length = 1 + size;
    if ((major === 2 || major === 3) && info !== 31) {
      let argument = info < 24 ? info : 0;
      for (let index = 0; index < size; index++) argument = argument * 256 + (input[from + 1 + index] ?? 0);
      length += argument;
    }
    to += input.copy(output, to, from, Math.min(input.length, from + length));
    from += length;
  }
  return output.subarray(0, to);
}

/** Decodes SenML-CBOR bytes into records with named fields; rejects anything that is not a pack. */
export function decodeSenmlCbor(bytes: Uint8Array, floats: FloatEncoding = 'exact'): SenmlRecord[] {
  let decoded: unknown;
  try {
    decoded = decoders[floats].decode(bytes);
  } catch (error) {
    throw new SenmlError(`not CBOR: ${(error as Error).message}`);
  }
  if (!Array.isArray(decoded)) throw new SenmlError('a SenML pack is a CBOR array');
  return decoded.map((entry: unknown, index) => {
    if (!(entry instanceof Map)) throw new SenmlError(`record ${index} is not a CBOR map`);
    const record: SenmlRecord = {};
    for (const [key, value] of entry as Map<unknown, unknown>) {
      const field = typeof key === 'number' ? fieldOf.get(key) : typeof key === 'string' ? key : undefined;
      if (field === undefined) throw new SenmlError(`record ${index}: unknown label ${String(key)}`);
      record[field] = value;
    }
    return record;
  });
}

/**
 * Adds `key: true` to every record of an encoded pack without decoding its values, so the
 * numbers keep the very bytes they were stored with (a compact pack stays compact, an exact
 * one exact). Each map's head is rewritten with one more pair and the pair appended to it.
 */
export function addFlagToEveryRecord(pack: Uint8Array, key: string): Buffer {
  const bytes = Buffer.from(pack);
  const array = readHead(bytes, 0);
  if (array.major !== 4 || array.argument === undefined) throw new SenmlError('a SenML pack is a CBOR array of definite length');
  const pair = encoders.exact.encode([key, true]).subarray(1);
  const parts: Buffer[] = [bytes.subarray(0, array.end)];
  let at = array.end;
  for (let index = 0; index < array.argument; index++) {
    const map = readHead(bytes, at);
    const length = itemLength(bytes.subarray(at));
    if (map.major !== 5 || map.argument === undefined || length === undefined) throw new SenmlError(`record ${index} is not a CBOR map of definite length`);
    parts.push(headOf(5, map.argument + 1), bytes.subarray(map.end, at + length), pair);
    at += length;
  }
  return Buffer.concat(parts);
}

/** The major type and argument of the CBOR head at `at` (argument undefined: indefinite length). */
function readHead(bytes: Uint8Array, at: number): { major: number; argument: number | undefined; end: number } {
  if (at >= bytes.length) throw new SenmlError('the pack ends early');
  const major = bytes[at]! >> 5;
  const info = bytes[at]! & 0x1f;
  if (info < 24) return { major, argument: info, end: at + 1 };
  if (info === 31) return { major, argument: undefined, end: at + 1 };
  const size = info <= 27 ? 1 << (info - 24) : 0;
  if (size === 0 || at + 1 + size > bytes.length) throw new SenmlError('a malformed CBOR head');
  let argument = 0;
  for (let index = 0; index < size; index++) argument = argument * 256 + bytes[at + 1 + index]!;
  return { major, argument, end: at + 1 + size };
}

/** The shortest CBOR head for a major type and a count. */
function headOf(major: number, count: number): Buffer {
  if (count < 24) return Buffer.from([(major << 5) | count]);
  if (count < 0x100) return Buffer.from([(major << 5) | 24, count]);
  if (count < 0x10000) return Buffer.from([(major << 5) | 25, count >> 8, count & 0xff]);
  const head = Buffer.from([(major << 5) | 26, 0, 0, 0, 0]);
  head.writeUInt32BE(count, 1);
  return head;
}

/** One item of a CBOR sequence, at its byte offset in the stream: a pack's records, or why the bytes there are no pack. */
export type SequenceItem = { readonly offset: number } & ({ readonly records: SenmlRecord[] } | { readonly error: SenmlError });

/** The first byte of a CBOR array (major type 4): where a SenML pack can begin. */
const isArrayStart = (byte: number) => byte >= 0x80 && byte <= 0x9f;

/**
 * Reads a CBOR sequence (RFC 8742: packs back to back, as `mosquitto_sub` prints raw payloads)
 * from chunks split anywhere, handing out each pack as soon as its last byte arrives. Bytes
 * that are no CBOR are reported with their offset and skipped to the next array start, so one
 * bad pack does not end the stream.
 */
export class SenmlCborSequence {
  private pending: Buffer = Buffer.alloc(0);
  /** Offset in the stream of pending[0]. */
  private offset = 0;
  /** After bytes that are no CBOR: skipping to the next byte that can begin a pack, in whichever chunk it comes. */
  private resynchronising = false;

  constructor(private readonly options: { readonly floats?: FloatEncoding } = {}) {}

  /** Adds bytes; returns the items they completed. */
  push(chunk: Uint8Array): SequenceItem[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    return this.drain(false);
  }

  /** The input has ended: what is left is reported as cut short, and what follows it still read. */
  end(): SequenceItem[] {
    return this.drain(true);
  }

  private drain(final: boolean): SequenceItem[] {
    const items: SequenceItem[] = [];
    while (this.pending.length > 0) {
      if (this.resynchronising) {
        const next = this.pending.findIndex(isArrayStart);
        this.skip(next < 0 ? this.pending.length : next);
        if (next < 0) break;
        this.resynchronising = false;
      }
      let length: number | undefined;
      let reason: string | undefined;
      try {
        length = itemLength(this.pending);
        // The rest of this pack is still on its way.
        if (length === undefined && !final) break;
        if (length === undefined) reason = 'the input ends inside this pack';
      } catch (error) {
        reason = `not CBOR: ${(error as Error).message}`;
      }
      if (length !== undefined) {
        items.push({ offset: this.offset, ...packAt(this.pending.subarray(0, length), this.options.floats) });
        this.skip(length);
        continue;
      }
      items.push({ offset: this.offset, error: new SenmlError(reason!) });
      this.skip(1);
      this.resynchronising = true;
    }
    return items;
  }

  private skip(bytes: number): void {
    this.pending = this.pending.subarray(bytes);
    this.offset += bytes;
  }
}

/** One whole CBOR item as a pack's records, or why it is not one. */
function packAt(bytes: Uint8Array, floats: FloatEncoding = 'exact'): { records: SenmlRecord[] } | { error: SenmlError } {
  try {
    return { records: decodeSenmlCbor(bytes, floats) };
  } catch (error) {
    if (error instanceof SenmlError) return { error };
    throw error;
  }
}

/**
 * The length of the CBOR item that `bytes` begins with (RFC 8949 §3), from its heads alone;
 * undefined while it is not all there; throws on a malformed head. cbor-x's own sequence
 * decoding reads strings ahead past the item, so a pack cut short further on would make a
 * complete one before it look incomplete: packs are delimited here and decoded one by one.
 */
function itemLength(bytes: Uint8Array): number | undefined {
  let at = 0;
  // Items still owed by each open array, map or tag; Infinity for indefinite lengths, closed by a break.
  const owed: number[] = [1];
  while (owed.length > 0) {
    if (at >= bytes.length) return undefined;
    const initial = bytes[at]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (initial === 0xff) {
      if (owed.at(-1) !== Infinity) throw new Error('a break (0xff) outside an indefinite-length item');
      owed.pop();
      at++;
      itemDone(owed);
      continue;
    }
    const size = info < 24 ? 0 : info <= 27 ? 1 << (info - 24) : undefined;
    if (size === undefined && !(info === 31 && major >= 2 && major <= 5)) throw new Error(`initial byte 0x${initial.toString(16).padStart(2, '0')} is reserved`);
    if (at + 1 + (size ?? 0) > bytes.length) return undefined;
    let argument = info < 24 ? info : 0;
    for (let index = 0; index < (size ?? 0); index++) argument = argument * 256 + bytes[at + 1 + index]!;
    at += 1 + (size ?? 0);
    if (size === undefined) {
      owed.push(Infinity);
    } else if (major === 2 || major === 3) {
      at += argument;
      if (at > bytes.length) return undefined;
      itemDone(owed);
    } else if (major === 4 || major === 5) {
      const count = major === 4 ? argument : argument * 2;
      if (count > 0) owed.push(count);
      else itemDone(owed);
    } else if (major === 6) {
      owed.push(1);
    } else {
      itemDone(owed);
    }
  }
  return at;
}

/** Counts one finished item against the innermost open container, closing those it completes. */
function itemDone(owed: number[]): void {
  while (owed.length > 0) {
    const remaining = owed.pop()! - 1;
    if (remaining > 0) {
      owed.push(remaining);
      return;
    }
  }
}
