/**
 * SenML (RFC 8428) records: building packs from readings and resolving received packs.
 * Pure data work; the CBOR bytes are made in cbor.ts.
 */
import type { Reading } from '../core/reading.js';

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

/** Must-understand marker of packs sent late (after an outage or a restart): not live values. */
export const HISTORICAL_FIELD = 'hist_';

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
    if (index === 0 && session) {
      record['boot'] = session.boot;
      record['seq'] = session.seq;
    }
    if (reading.unit !== undefined) record.u = reading.unit;
    setValue(record, reading.value);
    const offsetMs = reading.time - baseTimeMs;
    if (offsetMs !== 0) record.t = offsetMs / 1000;
    records[index] = record;
  }
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
  return records.map((record, index) => {
    for (const key of Object.keys(record)) {
      if (key.endsWith('_') && !understood.has(key)) throw new SenmlError(`record ${index}: must-understand field "${key}" is not supported`);
    }
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
    return { name, unit: record.u ?? baseUnit, value, sum, time };
  });
}

/** The session fields of a pack, if it carries them. */
export function packSession(records: readonly SenmlRecord[]): PackSession | undefined {
  const first = records[0];
  const boot = first?.['boot'];
  const seq = first?.['seq'];
  return typeof boot === 'number' && typeof seq === 'number' ? { boot, seq } : undefined;
}

/** Marks every record historical, so that consumers that cannot tell reject them instead of taking them for live values. */
export function markHistorical(records: readonly SenmlRecord[]): SenmlRecord[] {
  return records.map((record) => ({ ...record, [HISTORICAL_FIELD]: true }));
}

/** The same pack as JSON SenML (RFC 8428 §5), for comparison and for JSON consumers. */
export function toJsonSenml(records: readonly SenmlRecord[]): string {
  return JSON.stringify(records);
}
