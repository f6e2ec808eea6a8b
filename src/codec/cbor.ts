/**
 * SenML-CBOR bytes (RFC 8428 §6; media type application/senml+cbor, CoAP content-format 112).
 * The only file that touches cbor-x.
 */
import { Decoder, Encoder, FLOAT32_OPTIONS } from 'cbor-x';
import { senmlLabels, SenmlError, type SenmlField, type SenmlRecord } from './senml.js';

/** MQTT 5 content type of every data message. */
export const SENML_CBOR_CONTENT_TYPE = 'application/senml+cbor';

const labelOf = new Map<string, number>(Object.entries(senmlLabels));
const fieldOf = new Map<number, SenmlField>(Object.entries(senmlLabels).map(([field, label]) => [label, field as SenmlField]));

// DECIMAL_FIT writes a non-integer as a 4-byte float when its decimal digits survive the trip
// (21.53 does; 0.1 + 0.2 does not) and reads such floats back to that decimal, so values
// round-trip exactly at half the size of doubles. Integers stay CBOR integers.
// useTag259ForMaps is honoured by cbor-x but missing from its typings; without it every map
// would carry a 3-byte tag that SenML receivers do not expect.
const encoderOptions = { useRecords: false, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT, useTag259ForMaps: false, variableMapSize: true };
const encoder = new Encoder(encoderOptions);
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, useFloat32: FLOAT32_OPTIONS.DECIMAL_FIT });

/** Encodes a pack: an array of maps whose keys are the RFC's integer labels. */
export function encodeSenmlCbor(records: readonly SenmlRecord[]): Buffer {
  const maps = new Array<Map<number | string, unknown>>(records.length);
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const map = new Map<number | string, unknown>();
    for (const key in record) {
      const value = record[key];
      if (value === undefined) continue;
      // Extensions without a registered label (`hist_`...) keep their text key, as RFC 8428 §6 allows.
      map.set(labelOf.get(key) ?? key, value);
    }
    maps[index] = map;
  }
  return encoder.encode(maps);
}

/** Decodes SenML-CBOR bytes into records with named fields; rejects anything that is not a pack. */
export function decodeSenmlCbor(bytes: Uint8Array): SenmlRecord[] {
  let decoded: unknown;
  try {
    decoded = decoder.decode(bytes);
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
        items.push({ offset: this.offset, ...packAt(this.pending.subarray(0, length)) });
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
function packAt(bytes: Uint8Array): { records: SenmlRecord[] } | { error: SenmlError } {
  try {
    return { records: decodeSenmlCbor(bytes) };
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
