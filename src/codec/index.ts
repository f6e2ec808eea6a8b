import { copyReading, type Reading } from '../core/reading.js';
import { isSecondaryUnit, toPrimaryUnit } from './units.js';
import { addFlagToEveryRecord, decodeSenmlCbor, encodeSenmlCbor, type FloatEncoding } from './cbor.js';
import { CLOCK_FIELD, HISTORICAL_FIELD, packFromReadings, packSession, resolvePack, type PackSession, type ResolvedRecord, type SenmlRecord } from './senml.js';

export { SENML_CBOR_CONTENT_TYPE, SenmlCborSequence, type FloatEncoding, type SequenceItem } from './cbor.js';
export { CLOCK_FIELD, HISTORICAL_FIELD, OUT_OF_RANGE_FIELD, senmlLabels, SenmlError, toJsonSenml, type PackSession, type ResolvedRecord, type SenmlRecord } from './senml.js';
export { decodeSenmlCbor, encodeSenmlCbor };

/** How a pack is written and read: `floats` as the node's `encoding.floats` says (exact unless told otherwise). */
export interface CodecOptions {
  readonly floats?: FloatEncoding | undefined;
  /** `announce` (default): secondary units as they are, with bver 26; `convert`: in their SenML units. */
  readonly secondaryUnits?: 'announce' | 'convert' | undefined;
}

/** Encodes readings of one board as one SenML-CBOR pack under `baseName`, with its session fields. */
export function encodePack(readings: readonly Reading[], baseName: string, session?: PackSession, options: CodecOptions = {}): Buffer {
  return encodeSenmlCbor(packFromReadings(options.secondaryUnits === 'convert' ? readings.map(inPrimaryUnit) : readings, baseName, session), options.floats);
}

/** A reading in a secondary unit as the same quantity in its SenML unit (others unchanged). */
function inPrimaryUnit(reading: Reading): Reading {
  if (reading.unit === undefined || typeof reading.value !== 'number' || !isSecondaryUnit(reading.unit)) return reading;
  const converted = toPrimaryUnit(reading.value, reading.unit);
  return copyReading(reading, { value: converted.value, unit: converted.unit });
}

/**
 * A stored pack with every record marked historical (`hist_`). The flag is added to the bytes
 * as they are: values are not decoded and written again, so none changes on the way, whichever
 * float encoding the pack was made with.
 */
export function encodeHistorical(payload: Uint8Array): Buffer {
  return addFlagToEveryRecord(payload, HISTORICAL_FIELD);
}

/** A data message as a consumer sees it: session fields, whether it is historical, and the resolved records. */
export interface DecodedMessage {
  readonly session: PackSession | undefined;
  readonly historical: boolean;
  /** Whether any record's time is the node's untrusted machine clock (`clock_`); each such record says so too. */
  readonly untrustedClock: boolean;
  readonly records: ResolvedRecord[];
}

/** fieldnode's own must-understand fields: its decoder understands them. */
const OWN_FIELDS = [HISTORICAL_FIELD, CLOCK_FIELD];

/** Decodes a data message, understanding fieldnode's own must-understand markers. */
export function decodeMessage(bytes: Uint8Array, options: { nowSeconds?: number } & CodecOptions = {}): DecodedMessage {
  const raw = decodeSenmlCbor(bytes, options.floats);
  return {
    session: packSession(raw),
    historical: raw.some((record) => record[HISTORICAL_FIELD] === true),
    untrustedClock: raw.some((record) => record[CLOCK_FIELD] === 'untrusted'),
    records: resolvePack(raw, { ...(options.nowSeconds !== undefined ? { nowSeconds: options.nowSeconds } : {}), understood: new Set(OWN_FIELDS) }),
  };
}

/**
 * Decodes a SenML-CBOR pack into resolved records (full names, absolute epoch-second times):
 * the function consumers call on every data message.
 */
export function decodePack(bytes: Uint8Array, options: { nowSeconds?: number; understood?: ReadonlySet<string> } & CodecOptions = {}): ResolvedRecord[] {
  return resolveRecords(decodeSenmlCbor(bytes, options.floats), options);
}

/** Resolves a pack's records read from a CBOR sequence (SenmlCborSequence) as decodePack resolves a single pack. */
export function resolveRecords(records: readonly SenmlRecord[], options: { nowSeconds?: number; understood?: ReadonlySet<string> } = {}): ResolvedRecord[] {
  return resolvePack(records, { ...options, understood: new Set([...OWN_FIELDS, ...(options.understood ?? [])]) });
}
