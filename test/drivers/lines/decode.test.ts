import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertValue, decodeLine, parseKeyValues, scaleExactly, type FieldSpec, type LineLayout } from '../../../src/drivers/lines/decode.js';

const field = (name: string, spec: Partial<FieldSpec>): FieldSpec => ({ name, as: 'number', scale: 1, offset: 0, ...spec });
const kv: LineLayout = { format: 'kv', delimiter: ',' };
const csv: LineLayout = { format: 'csv', delimiter: ',' };
const json: LineLayout = { format: 'json', delimiter: ',' };

function values(text: string, layout: LineLayout, fields: FieldSpec[]) {
  const outcome = decodeLine(text, layout, fields);
  if (!outcome.ok) throw new Error(`malformed: ${outcome.reason}`);
  return Object.fromEntries(outcome.line.values.map((value) => [value.name, value.value]));
}

describe('lines decoder: key=value', () => {
  const fields = [field('temperature', { key: 't', unit: 'Cel' }), field('humidity', { key: 'h', unit: '%RH' })];

  it('reads pairs separated by commas, semicolons or spaces, with = or :', () => {
    expect(values('t=21.53,h=55.2', kv, fields)).toEqual({ temperature: 21.53, humidity: 55.2 });
    expect(values('t:21.53 h:55.2', kv, fields)).toEqual({ temperature: 21.53, humidity: 55.2 });
    expect(values('h=55.2; t=-4', kv, fields)).toEqual({ temperature: -4, humidity: 55.2 });
  });

  it('splits pairs exactly as the rule says: runs of commas, semicolons and any white space (property)', () => {
    // The rule written as a regular expression, independently of the scanner under test.
    const byRule = (text: string) => {
      const pairs = new Map<string, string>();
      for (const token of text.split(/[\s,;]+/)) {
        if (token === '') continue;
        const at = [token.indexOf('='), token.indexOf(':')].filter((index) => index >= 0).sort((a, b) => a - b)[0] ?? -1;
        if (at <= 0) return undefined;
        pairs.set(token.slice(0, at), token.slice(at + 1));
      }
      return pairs.size === 0 ? undefined : pairs;
    };
    const piece = fc.oneof(fc.constantFrom(',', ';', ' ', '\t', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff', '=', ':', 't', 'h', '21.5', '-4', 'é'), fc.string({ maxLength: 4, unit: 'binary' }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join('')), fc.array(fc.constantFrom('t', 'h', 'é', 'x'), { maxLength: 4 }), (text, keys) => {
        const expected = byRule(text);
        const lookup = parseKeyValues(text);
        expect(lookup === undefined, JSON.stringify(text)).toBe(expected === undefined);
        for (const key of keys) expect(lookup?.(field(key, { key }))).toBe(expected?.get(key));
      }),
      { numRuns: 20_000 },
    );
  });

  it('keeps the unit of each field', () => {
    const outcome = decodeLine('t=1,h=2', kv, fields);
    expect(outcome.ok && outcome.line.values.map((value) => value.unit)).toEqual(['Cel', '%RH']);
  });

  it('reports a missing field without losing the others', () => {
    const outcome = decodeLine('t=21.5', kv, fields);
    expect(outcome).toEqual({ ok: true, line: { values: [{ name: 'temperature', unit: 'Cel', value: 21.5 }], badFields: [{ name: 'humidity', reason: 'field missing' }] } });
  });

  it('calls a line malformed when a token is not a pair or nothing is usable', () => {
    expect(decodeLine('Weather station ready', kv, fields)).toMatchObject({ ok: false, reason: 'not key=value pairs' });
    expect(decodeLine('t=abc,h=', kv, fields)).toMatchObject({ ok: false });
    expect(decodeLine('x=1,y=2', kv, fields)).toMatchObject({ ok: false, reason: 'no usable field (field missing)' });
    expect(decodeLine('', kv, fields)).toMatchObject({ ok: false });
  });

  it('rejects numbers that are not plain decimals', () => {
    for (const bad of ['nan', 'Infinity', '0x1f', '12abc', '1e999', '--1']) {
      expect(decodeLine(`t=${bad},h=1`, kv, fields)).toMatchObject({ ok: true, line: { badFields: [{ name: 'temperature' }] } });
    }
  });
});

describe('lines decoder: CSV', () => {
  const fields = [field('temperature', { column: 0 }), field('pressure', { column: 2, scale: 100 })];

  it('maps columns to sensors and scales them', () => {
    expect(values('21.5,55,1013.25', csv, fields)).toEqual({ temperature: 21.5, pressure: 101325 });
  });

  it('honours another delimiter', () => {
    expect(values('21.5;55;1013.25', { format: 'csv', delimiter: ';' }, fields)).toEqual({ temperature: 21.5, pressure: 101325 });
  });

  it('reports short rows and header rows', () => {
    expect(decodeLine('21.5,55', csv, fields)).toMatchObject({ ok: true, line: { badFields: [{ name: 'pressure', reason: 'field missing' }] } });
    expect(decodeLine('temp,hum,pres', csv, fields)).toMatchObject({ ok: false });
  });
});

describe('lines decoder: JSON', () => {
  const fields = [field('temperature', { key: 't' }), field('pm25', { key: 'pm.2_5' }), field('door', { key: 'door', as: 'boolean' }), field('state', { key: 's', as: 'string' })];

  it('reads top-level keys, dotted paths, booleans and strings', () => {
    expect(values('{"t":21.5,"pm":{"2_5":12.3},"door":true,"s":"ok"}', json, fields)).toEqual({ temperature: 21.5, pm25: 12.3, door: true, state: 'ok' });
  });

  it('calls non-objects and broken JSON malformed', () => {
    expect(decodeLine('[1,2]', json, fields)).toMatchObject({ ok: false, reason: 'not a JSON object' });
    expect(decodeLine('{"t":21.5', json, fields)).toMatchObject({ ok: false, reason: 'not a JSON object' });
    expect(decodeLine('null', json, fields)).toMatchObject({ ok: false });
  });

  it('rejects a number field holding text', () => {
    expect(decodeLine('{"t":"warm","door":1}', json, fields)).toMatchObject({ ok: true, line: { badFields: expect.arrayContaining([{ name: 'temperature', reason: 'not a number: "warm"' }]) } });
  });
});

describe('value conversion', () => {
  it('scales without binary noise', () => {
    expect(scaleExactly(2153, 0, 0.01, 0)).toBe(21.53);
    expect(scaleExactly(215, 0, 0.1, 0)).toBe(21.5);
    expect(scaleExactly(1.1, 1, 3, 0)).toBe(3.3);
    expect(convertValue('512', { as: 'number', scale: 0.1, offset: -40 })).toEqual({ value: 11.2 });
  });

  it('reads boolean words and rejects others', () => {
    expect(convertValue('ON', { as: 'boolean', scale: 1, offset: 0 })).toEqual({ value: true });
    expect(convertValue('0', { as: 'boolean', scale: 1, offset: 0 })).toEqual({ value: false });
    expect(convertValue('maybe', { as: 'boolean', scale: 1, offset: 0 })).toBe('not a boolean: "maybe"');
  });
});
