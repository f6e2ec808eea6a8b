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
