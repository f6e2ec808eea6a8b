import type { Reading } from '../core/reading.js';
import { decodeSenmlCbor, encodeSenmlCbor } from './cbor.js';
import { HISTORICAL_FIELD, markHistorical, packFromReadings, packSession, resolvePack, type PackSession, type ResolvedRecord, type SenmlRecord } from './senml.js';

export { SENML_CBOR_CONTENT_TYPE, SenmlCborSequence, type SequenceItem } from './cbor.js';
export { HISTORICAL_FIELD, senmlLabels, SenmlError, toJsonSenml, type PackSession, type ResolvedRecord, type SenmlRecord } from './senml.js';
export { decodeSenmlCbor, encodeSenmlCbor };

/** Encodes readings of one board as one SenML-CBOR pack under `baseName`, with its session fields. */
export function encodePack(readings: readonly Reading[], baseName: string, session?: PackSession): Buffer {
  return encodeSenmlCbor(packFromReadings(readings, baseName, session));
}

/** Re-encodes a stored pack with every record marked historical (`hist_`). */
export function encodeHistorical(payload: Uint8Array): Buffer {
  return encodeSenmlCbor(markHistorical(decodeSenmlCbor(payload)));
}

/** A data message as a consumer sees it: session fields, whether it is historical, and the resolved records. */
export interface DecodedMessage {
  readonly session: PackSession | undefined;
  readonly historical: boolean;
  readonly records: ResolvedRecord[];
}

/** Decodes a data message, understanding fieldnode's own must-understand marker. */
export function decodeMessage(bytes: Uint8Array, options: { nowSeconds?: number } = {}): DecodedMessage {
  const raw = decodeSenmlCbor(bytes);
  return {
    session: packSession(raw),
    historical: raw.some((record) => record[HISTORICAL_FIELD] === true),
    records: resolvePack(raw, { ...options, understood: new Set([HISTORICAL_FIELD]) }),
  };
}

/**
 * Decodes a SenML-CBOR pack into resolved records (full names, absolute epoch-second times):
 * the function consumers call on every data message.
 */
export function decodePack(bytes: Uint8Array, options: { nowSeconds?: number; understood?: ReadonlySet<string> } = {}): ResolvedRecord[] {
  return resolveRecords(decodeSenmlCbor(bytes), options);
}

/** Resolves a pack's records read from a CBOR sequence (SenmlCborSequence) as decodePack resolves a single pack. */
export function resolveRecords(records: readonly SenmlRecord[], options: { nowSeconds?: number; understood?: ReadonlySet<string> } = {}): ResolvedRecord[] {
  return resolvePack(records, { ...options, understood: new Set([HISTORICAL_FIELD, ...(options.understood ?? [])]) });
}
