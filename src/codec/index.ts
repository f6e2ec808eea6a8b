import type { Reading } from '../core/reading.js';
import { decodeSenmlCbor, encodeSenmlCbor } from './cbor.js';
import { packFromReadings, resolvePack, type ResolvedRecord } from './senml.js';

export { SENML_CBOR_CONTENT_TYPE } from './cbor.js';
export { senmlLabels, SenmlError, toJsonSenml, type ResolvedRecord, type SenmlRecord } from './senml.js';
export { decodeSenmlCbor, encodeSenmlCbor };

/** Encodes readings of one board as one SenML-CBOR pack under `baseName`. */
export function encodePack(readings: readonly Reading[], baseName: string): Buffer {
  return encodeSenmlCbor(packFromReadings(readings, baseName));
}

/**
 * Decodes a SenML-CBOR pack into resolved records (full names, absolute epoch-second times):
 * the function consumers call on every data message.
 */
export function decodePack(bytes: Uint8Array, options: { nowSeconds?: number; understood?: ReadonlySet<string> } = {}): ResolvedRecord[] {
  return resolvePack(decodeSenmlCbor(bytes), options);
}
