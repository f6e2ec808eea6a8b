/**
 * SenML (RFC 8428) records: building packs from readings and resolving received packs.
 * Pure data work; the CBOR bytes are made in cbor.ts.
 */
import type { Reading } from '../core/reading.js';
import { isSecondaryUnit, SECONDARY_UNITS_FEATURE, SECONDARY_UNITS_VERSION, SENML_BASE_VERSION, UNDERSTOOD_VERSION_BITS } from './units.js';

/** RFC 8428 §6, table 6: the integer labels that replace field names in CBOR. */
export const senmlLabels = {
  bver: -1,
  bn: -2,
  bt: -3,
  bu: -4,
  bv: -5,
  bs: -6,
  n: 0,
  u: 1,
  v: 2,
  vs: 3,
  vb: 4,
  s: 5,
  t: 6,
  ut: 7,
  vd: 8,
} as const;

export type SenmlField = keyof typeof senmlLabels;

/** One SenML record as named fields; keys ending in `_` are must-understand extensions. */
export interface SenmlRecord {
  bver?: number;
  bn?: string;
  bt?: number;
  bu?: string;
  bv?: number;
  bs?: number;
  n?: string;
  u?: string;
  v?: number;
  vs?: string;
  vb?: boolean;
  s?: number;
  t?: number;
  ut?: number;
  vd?: Uint8Array;
  [extension: string]: unknown;
}

/** A record after base fields are applied (RFC 8428 §4.6): full name, absolute time. */
export interface ResolvedRecord {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly value: number | string | boolean | Uint8Array | undefined;
  readonly sum?: number | undefined;
  /** Absolute time in epoch seconds. */
  readonly time: number;
  /** `untrusted`: the time is the sending machine's own, never confirmed (the record carried `clock_`). */
  readonly clock?: 'untrusted' | undefined;
  /** Set when a range filter flagged the value as outside its valid range. */
  readonly outOfRange?: 'below' | 'above' | undefined;
}

/** Times below 2^28 s are relative to "now" (RFC 8428 §4.5.3). */
export const RELATIVE_TIME_LIMIT = 2 ** 28;

/**
 * Where a pack sits in its node's session: the boot epoch and the message's sequence number
 * within it. Carried in the first record as the extension fields `boot` and `seq`, so that
 * consumers can deduplicate by (node, boot, seq) and see gaps. Receivers that do not know
 * them may ignore them (they do not end in `_`).
 */
export interface PackSession {
  readonly boot: number;
  readonly seq: number;
}

/**
 * Extension field of a record whose value a range filter flagged (`below` or `above` its
 * valid range). Not must-understand: the value itself is what the sensor reported, and a
 * receiver that does not know the flag still reads it correctly.
 */
export const OUT_OF_RANGE_FIELD = 'oor';

/** Must-understand marker of packs sent late (after an outage or a restart): not live values. */
export const HISTORICAL_FIELD = 'hist_';

/**
 * Must-understand marker of a record whose time is the node's machine clock, never confirmed
 * by NTP, a GPS or the broker side (`clock: { untrusted: flag }`): value `untrusted`.
 */
export const CLOCK_FIELD = 'clock_';

/**
 * Builds one pack for readings of one board: the base name once, the base time of the
 * first reading once, then each record with its short name and its offset in seconds.
 */
export function packFromReadings(readings: readonly Reading[], baseName: string, session?: PackSession): SenmlRecord[] {
  const first = readings[0];
  if (!first) return [];
  const baseTimeMs = first.time;
  const records: SenmlRecord[] = new Array(readings.length);
  for (let index = 0; index < readings.length; index++) {
    const reading = readings[index]!;
    const record: SenmlRecord = index === 0 ? { bn: baseName, bt: baseTimeMs / 1000, n: reading.name } : { n: reading.name };
    if (reading.outOfRange !== undefined) record[OUT_OF_RANGE_FIELD] = reading.outOfRange;
    if (index === 0 && session) {
      record['boot'] = session.boot;
      record['seq'] = session.seq;
    }
    if (reading.unit !== undefined) record.u = reading.unit;
    setValue(record, reading.value);
    const offsetMs = reading.time - baseTimeMs;
    if (offsetMs !== 0) record.t = offsetMs / 1000;
    if (reading.clock === 'untrusted') record[CLOCK_FIELD] = 'untrusted';
    records[index] = record;
  }
  // RFC 9100 §4: a pack that uses a secondary unit says so in its version; others carry no bver (10 is implied).
  if (readings.some((reading) => reading.unit !== undefined && isSecondaryUnit(reading.unit))) records[0] = { bver: SECONDARY_UNITS_VERSION, ...records[0] };
  return records;
}

function setValue(record: SenmlRecord, value: Reading['value']): void {
  if (typeof value === 'number') record.v = value;
  else if (typeof value === 'string') record.vs = value;
  else record.vb = value;
}

/** Thrown for packs that break RFC 8428 rules a receiver must enforce. */
export class SenmlError extends Error {}

/**
 * Applies base fields to every record. Rejects a record that carries a must-understand
 * field (`..._`) not listed in `understood`, as RFC 8428 §4.4 requires.
 */
export function resolvePack(records: readonly SenmlRecord[], options: { nowSeconds?: number; understood?: ReadonlySet<string> } = {}): ResolvedRecord[] {
  const understood = options.understood ?? new Set<string>();
  let baseName = '';
  let baseTime = 0;
  let baseUnit: string | undefined;
  let baseValue = 0;
  let baseSum = 0;
  let version = SENML_BASE_VERSION;
  return records.map((record, index) => {
    for (const key of Object.keys(record)) {
      if (key.endsWith('_') && !understood.has(key)) throw new SenmlError(`record ${index}: must-understand field "${key}" is not supported`);
    }
    if (record.bver !== undefined) version = checkedVersion(record.bver, index);
    if (record.bn !== undefined) baseName = record.bn;
    if (record.bt !== undefined) baseTime = record.bt;
    if (record.bu !== undefined) baseUnit = record.bu;
    if (record.bv !== undefined) baseValue = record.bv;
    if (record.bs !== undefined) baseSum = record.bs;
    const name = baseName + (record.n ?? '');
    if (name === '') throw new SenmlError(`record ${index}: no name`);
    let time = baseTime + (record.t ?? 0);
    if (time < RELATIVE_TIME_LIMIT) time += options.nowSeconds ?? Date.now() / 1000;
    const value = record.v !== undefined ? baseValue + record.v : (record.vs ?? record.vb ?? record.vd ?? (record.bv !== undefined && record.s === undefined ? baseValue : undefined));
    const sum = record.s !== undefined ? baseSum + record.s : undefined;
    if (value === undefined && sum === undefined) throw new SenmlError(`record ${index} (${name}): no value and no sum`);
    const unit = record.u ?? baseUnit;
    if (unit !== undefined && isSecondaryUnit(unit) && (version & SECONDARY_UNIT_BIT) === 0) {
      throw new SenmlError(`record ${index} (${name}): "${unit}" is a secondary unit, but the pack does not announce the Secondary Units feature (bver ${SECONDARY_UNITS_VERSION}, RFC 9100 §4)`);
    }
    const outOfRange = record[OUT_OF_RANGE_FIELD];
    return {
      name,
      unit,
      value,
      sum,
      time,
      ...(outOfRange === 'below' || outOfRange === 'above' ? { outOfRange } : {}),
      ...(record[CLOCK_FIELD] === 'untrusted' ? { clock: 'untrusted' as const } : {}),
    };
  });
}

const SECONDARY_UNIT_BIT = 2 ** SECONDARY_UNITS_FEATURE;

/**
 * A pack's version as RFC 9100 §2.2 has a receiver check it: an unsigned integer whose bits
 * are features; the reserved ones as version 10 sets them (Reserved1 and Reserved3 present,
 * Reserved0 and Reserved2 absent, §3), and no feature this implementation does not know.
 */
function checkedVersion(bver: unknown, index: number): number {
  if (typeof bver !== 'number' || !Number.isSafeInteger(bver) || bver < 0) throw new SenmlError(`record ${index}: bver ${String(bver)} is not an unsigned integer`);
  // BigInt: feature codes go up to 52, beyond the 32 bits of JavaScript's bitwise operators.
  const bits = BigInt(bver);
  if ((bits & 0b1111n) !== BigInt(SENML_BASE_VERSION) || (bits & ~BigInt(UNDERSTOOD_VERSION_BITS)) !== 0n) {
    throw new SenmlError(`record ${index}: SenML version ${bver} asks for features this receiver does not implement (it understands ${SENML_BASE_VERSION} and ${SECONDARY_UNITS_VERSION}: Secondary Units, RFC 9100)`);
  }
  return bver;
}

/** The session fields of a pack, if it carries them. */
export function packSession(records: readonly SenmlRecord[]): PackSession | undefined {
  const first = records[0];
  const boot = first?.['boot'];
  const seq = first?.['seq'];
  return typeof boot === 'number' && typeof seq === 'number' ? { boot, seq } : undefined;
}

/** The same pack as JSON SenML (RFC 8428 §5), for comparison and for JSON consumers. */
export function toJsonSenml(records: readonly SenmlRecord[]): string {
  return JSON.stringify(records);
}
