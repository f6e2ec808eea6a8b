/**
 * Pure decoding of the text lines that Arduino-class sketches print over serial
 * (`Serial.println`): `key=value` pairs, CSV columns or one JSON object per line.
 * There is no datasheet; the formats are those of the common sketches, documented in
 * this driver's README. Nothing here throws on bad input: it says what was wrong.
 */
import { excerpt } from '../../core/excerpt.js';
import type { LineFormat, ValueKind } from './schema.js';

/** One sensor's field within a line, with the conversion from text to value. */
export interface FieldSpec {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly key?: string | undefined;
  readonly column?: number | undefined;
  readonly as: ValueKind;
  readonly scale: number;
  readonly offset: number;
}

/** The line layout of one board, shared by all its sensors. */
export interface LineLayout {
  readonly format: LineFormat;
  readonly delimiter: string;
}

export interface DecodedValue {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly value: number | boolean | string;
}

/** A line whose fields were found, with the values that converted and the reasons for those that did not. */
export interface DecodedLine {
  readonly values: DecodedValue[];
  readonly badFields: { readonly name: string; readonly reason: string }[];
}

/** Either the decoded fields or, when nothing in the line was usable, why the line is malformed. */
export type LineOutcome = { readonly ok: true; readonly line: DecodedLine } | { readonly ok: false; readonly reason: string };

type FieldLookup = (field: FieldSpec) => unknown;

/** Decodes one line (without its line ending) for the given fields. */
export function decodeLine(text: string, layout: LineLayout, fields: readonly FieldSpec[]): LineOutcome {
  const lookup = lookupFor(text, layout);
  if (typeof lookup === 'string') return { ok: false, reason: lookup };
  const values: DecodedValue[] = [];
  const badFields: { name: string; reason: string }[] = [];
  for (const field of fields) {
    const raw = lookup(field);
    const converted = raw === undefined ? 'field missing' : convertValue(raw, field);
    if (typeof converted === 'object') values.push({ name: field.name, unit: field.unit, value: converted.value });
    else badFields.push({ name: field.name, reason: converted });
  }
  // A line in which no configured field is usable (a boot banner, a header row, noise)
  // is one malformed line, not one error per sensor.
  if (values.length === 0 && fields.length > 0) return { ok: false, reason: `no usable field (${badFields[0]?.reason})` };
  return { ok: true, line: { values, badFields } };
}

function lookupFor(text: string, layout: LineLayout): FieldLookup | string {
  switch (layout.format) {
    case 'kv': {
      const pairs = parseKeyValues(text);
      return pairs ?? 'not key=value pairs';
    }
    case 'csv': {
      const columns = text.split(layout.delimiter);
      return (field) => (field.column === undefined ? undefined : columns[field.column]);
    }
    case 'json': {
      const object = parseJsonObject(text);
      return object ? (field) => (field.key === undefined ? undefined : pathGet(object, field.key)) : 'not a JSON object';
    }
  }
}

/**
 * Splits `t=21.5,h=40 p:1013` into pairs. Pairs are separated by commas, semicolons or
 * white space; a key is followed by `=` or `:`. Any token that is not a pair makes the
 * whole line malformed, since a half-understood line is more likely noise than data.
 */
export function parseKeyValues(text: string): FieldLookup | undefined {
  // One pass over the line, without a regular expression, a Map or a string per token: this
  // runs for every line a board prints, and a line holds a handful of pairs, which a search
  // from the end (a key given twice: the last one counts) finds faster than hashing each key.
  const keys: string[] = [];
  const values: string[] = [];
  let start = 0;
  while (start < text.length) {
    while (start < text.length && isPairSeparator(text.charCodeAt(start))) start++;
    if (start === text.length) break;
    let end = start;
    while (end < text.length && !isPairSeparator(text.charCodeAt(end))) end++;
    const separator = keySeparatorIndex(text, start, end);
    if (separator <= start) return undefined;
    keys.push(text.slice(start, separator));
    values.push(text.slice(separator + 1, end));
    start = end;
  }
  if (keys.length === 0) return undefined;
  return (field) => {
    if (field.key === undefined) return undefined;
    for (let index = keys.length - 1; index >= 0; index--) if (keys[index] === field.key) return values[index];
    return undefined;
  };
}

/** Commas, semicolons and white space (what `\s` matches, Unicode spaces included) separate pairs. */
function isPairSeparator(code: number): boolean {
  if (code === 0x2c || code === 0x3b || code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  return code >= 0x80 && WHITE_SPACE.test(String.fromCharCode(code));
}

const WHITE_SPACE = /\s/;

/** Where the first `=` or `:` of the token `text[start, end)` is, or -1. */
function keySeparatorIndex(text: string, start: number, end: number): number {
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === EQUALS || code === COLON) return index;
  }
  return -1;
}

const EQUALS = 0x3d;
const COLON = 0x3a;

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function pathGet(object: Record<string, unknown>, path: string): unknown {
  if (path in object) return object[path];
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * Whether `text` is a plain decimal number (`-4`, `21.53`, `.5`, `1e3`): one pass over the
 * characters, so a hostile line costs time in proportion to its length. (The regular
 * expression this replaces, `\d+\.?\d*`, backtracked quadratically on a long run of
 * digits followed by anything else: 35 ms for 4,090 digits, 2 s for 40,000.)
 */
export function isDecimalNumber(text: string): boolean {
  let index = text.charCodeAt(0) === PLUS || text.charCodeAt(0) === MINUS ? 1 : 0;
  const integerDigits = skipDigits(text, index);
  index += integerDigits;
  let fractionDigits = 0;
  if (text.charCodeAt(index) === POINT) {
    index++;
    fractionDigits = skipDigits(text, index);
    index += fractionDigits;
  }
  if (integerDigits === 0 && fractionDigits === 0) return false;
  const e = text.charCodeAt(index);
  if (e === LOWER_E || e === UPPER_E) {
    index++;
    if (text.charCodeAt(index) === PLUS || text.charCodeAt(index) === MINUS) index++;
    const exponentDigits = skipDigits(text, index);
    if (exponentDigits === 0) return false;
    index += exponentDigits;
  }
  return index === text.length;
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const POINT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

function skipDigits(text: string, from: number): number {
  let index = from;
  for (let code = text.charCodeAt(index); code >= 0x30 && code <= 0x39; code = text.charCodeAt(++index));
  return index - from;
}

const TRUE_WORDS = new Set(['1', 'true', 'on', 'yes', 'high']);
const FALSE_WORDS = new Set(['0', 'false', 'off', 'no', 'low']);

/** Converts a raw field to its value, or returns why it cannot be. */
export function convertValue(raw: unknown, field: Pick<FieldSpec, 'as' | 'scale' | 'offset'>): { value: number | boolean | string } | string {
  switch (field.as) {
    case 'string':
      return typeof raw === 'string' ? { value: raw } : { value: JSON.stringify(raw) };
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const word = String(raw).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { value: true };
      if (FALSE_WORDS.has(word)) return { value: false };
      return `not a boolean: ${JSON.stringify(raw)}`;
    }
    case 'number':
      return convertNumber(raw, field.scale, field.offset);
  }
}

function convertNumber(raw: unknown, scale: number, offset: number): { value: number } | string {
  let number: number;
  /** The number as written, for its decimals when it is scaled. */
  let numeral: string | undefined;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return `not a finite number: ${raw}`;
    number = raw;
  } else if (typeof raw === 'string') {
    numeral = raw.trim();
    if (!isDecimalNumber(numeral)) return `not a number: "${excerpt(raw)}"`;
    number = Number(numeral);
    if (!Number.isFinite(number)) return `out of range: ${excerpt(raw)}`;
  } else {
    return `not a number: ${JSON.stringify(raw)}`;
  }
  // The decimals matter only to round a scaled value; most fields are not scaled.
  if (scale === 1 && offset === 0) return { value: number };
  return { value: scaleExactly(number, decimalPlaces(numeral ?? String(number)), scale, offset) };
}

/**
 * Applies `× scale + offset` and rounds away binary noise: 2153 × 0.01 is 21.53, not
 * 21.530000000000001. The result is the double of the exact decimal product (its decimals
 * are those of raw and scale together), which is what every CBOR decoder then reads.
 */
export function scaleExactly(raw: number, rawDecimals: number, scale: number, offset: number): number {
  const result = raw * scale + offset;
  const decimals = Math.max(rawDecimals + decimalPlaces(String(scale)), decimalPlaces(String(offset)));
  return decimals <= 15 ? Number(result.toFixed(decimals)) : result;
}

function decimalPlaces(text: string): number {
  const exponentAt = text.search(/[eE]/);
  const mantissa = exponentAt < 0 ? text : text.slice(0, exponentAt);
  const exponent = exponentAt < 0 ? 0 : Number(text.slice(exponentAt + 1));
  const point = mantissa.indexOf('.');
  const fraction = point < 0 ? 0 : mantissa.length - point - 1;
  return Math.max(0, fraction - exponent);
}
