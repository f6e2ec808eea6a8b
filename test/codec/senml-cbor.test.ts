import { Decoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePack, decodeSenmlCbor, encodePack, encodeSenmlCbor, SenmlError, toJsonSenml } from '../../src/codec/index.js';
import { packFromReadings } from '../../src/codec/senml.js';
import type { Reading } from '../../src/core/reading.js';

const T0 = Date.UTC(2026, 0, 1); // 1767225600 s
const reading = (name: string, value: Reading['value'], time = T0, unit?: string): Reading => ({ name, value, time, unit });

describe('SenML-CBOR bytes', () => {
  it('uses the integer labels of RFC 8428 table 6, checked byte by byte', () => {
    const bytes = encodePack([reading('t', 21.5, T0, 'Cel')], 'n/b/');
    expect(bytes.toString('hex')).toBe(
      [
        '81', // array(1): the pack
        'a5', // map(5)
        '21', '646e2f622f', // -2 (bn): "n/b/"
        '22', '1a6955b900', // -3 (bt): 1767225600, an integer
        '00', '6174', // 0 (n): "t"
        '01', '6343656c', // 1 (u): "Cel"
        '02', 'f94d60', // 2 (v): 21.5, which a float16 holds exactly
      ].join(''),
    );
  });

  it('puts bn and bt in the first record only and relative t in the others', () => {
    const bytes = encodePack([reading('a', 1), reading('b', 2, T0 + 250), reading('c', 3, T0 + 250)], 'n/b/');
    const raw = new Decoder({ mapsAsObjects: false, useRecords: false }).decode(bytes) as Map<number, unknown>[];
    expect(raw.map((record) => [...record.keys()])).toEqual([[-2, -3, 0, 2], [0, 2, 6], [0, 2, 6]]);
    expect(raw[1]!.get(6)).toBe(0.25);
  });

  it('writes integers as integers and each fraction in the shortest float that holds it exactly', () => {
    const size = (value: number) => encodeSenmlCbor([{ v: value }]).length - 3; // minus array, map, label
    expect(size(101325)).toBe(5); // uint32
    expect(size(-4)).toBe(1);
    expect(size(21.53)).toBe(9); // no shorter float is 21.53
    expect(size(21.5)).toBe(3); // float16
    expect(size(0.25)).toBe(3);
    expect(size(1013.25)).toBe(5); // float32: 11 bits of mantissa are too few for a float16
    expect(size(0.1 + 0.2)).toBe(9);
    expect(size(Math.PI)).toBe(9);
  });

  it('writes decimal-fitting values as float32 only in compact mode, which only fieldnode reads back as decimals', () => {
    const size = (value: number) => encodeSenmlCbor([{ v: value }], 'compact').length - 3;
    expect(size(101325)).toBe(5);
    expect(size(21.53)).toBe(5); // float32 that decodes back to 21.53 with floats: 'compact'
    expect(size(0.1 + 0.2)).toBe(9); // needs a double to survive
    const bytes = encodeSenmlCbor([{ n: 'x', v: 6.37, bt: T0 / 1000 }], 'compact');
    expect(decodePack(bytes, { floats: 'compact' })[0]?.value).toBe(6.37);
    expect(decodePack(bytes)[0]?.value).toBe(Math.fround(6.37)); // read as what the bytes hold, 6.369999885559082
  });

  it('round-trips readings exactly: names, values, units, times', () => {
    const readings = [reading('temperature', 21.53, T0, 'Cel'), reading('humidity', 55.2, T0, '%RH'), reading('pressure', 101325, T0 + 1500, 'Pa'), reading('door', true, T0 + 2001), reading('state', 'ok', T0 + 2001)];
    const records = decodePack(encodePack(readings, 'ws-01/station/'));
    expect(records).toEqual([
      { name: 'ws-01/station/temperature', unit: 'Cel', value: 21.53, sum: undefined, time: T0 / 1000 },
      { name: 'ws-01/station/humidity', unit: '%RH', value: 55.2, sum: undefined, time: T0 / 1000 },
      { name: 'ws-01/station/pressure', unit: 'Pa', value: 101325, sum: undefined, time: T0 / 1000 + 1.5 },
      { name: 'ws-01/station/door', unit: undefined, value: true, sum: undefined, time: T0 / 1000 + 2.001 },
      { name: 'ws-01/station/state', unit: undefined, value: 'ok', sum: undefined, time: T0 / 1000 + 2.001 },
    ]);
  });

  it('round-trips any finite number and millisecond time exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.integer({ min: -99999, max: 99999 }).map((n) => n / 100)), offset: fc.integer({ min: 0, max: 3_600_000 }) }), { minLength: 1, maxLength: 20 }),
        (entries) => {
          const readings = entries.map((entry, index) => reading(`s${index}`, entry.value, T0 + entry.offset));
          const records = decodePack(encodePack(readings, 'n/b/'));
          records.forEach((record, index) => {
            expect(Object.is(record.value, readings[index]!.value) || record.value === readings[index]!.value).toBe(true);
            expect(Math.round(record.time * 1000)).toBe(readings[index]!.time);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is far smaller than the same pack as JSON SenML', () => {
    const readings = Array.from({ length: 100 }, (_, index) => reading(['temperature', 'humidity', 'pressure', 'rain'][index % 4]!, [21.53, 55.2, 101325, 0.0004][index % 4]!, T0 + Math.floor(index / 4) * 1000, ['Cel', '%RH', 'Pa', 'm'][index % 4]));
    const cbor = encodePack(readings, 'ws-01/station/').length;
    const json = Buffer.byteLength(toJsonSenml(packFromReadings(readings, 'ws-01/station/')));
    expect(cbor / json).toBeLessThan(0.75);
  });
});

describe('out-of-range flag', () => {
  it('carries a range filter\'s flag as the extension field oor, which receivers may ignore', () => {
    const bytes = encodePack([{ name: 'level', value: 7.5, unit: 'm', time: T0, outOfRange: 'above' }, { name: 'level', value: 2, unit: 'm', time: T0 + 1000 }], 'n/b/');
    const raw = new Decoder({ mapsAsObjects: false, useRecords: false }).decode(bytes) as Map<number | string, unknown>[];
    expect(raw[0]!.get('oor')).toBe('above');
    expect(raw[1]!.has('oor')).toBe(false);
    const records = decodePack(bytes);
    expect(records.map((record) => [record.value, record.outOfRange])).toEqual([[7.5, 'above'], [2, undefined]]);
  });
});

describe('SenML decoding', () => {
  it('rejects what is not a pack', () => {
    expect(() => decodeSenmlCbor(Buffer.from('ff00', 'hex'))).toThrow(SenmlError);
    expect(() => decodeSenmlCbor(encodeSenmlCbor([]).subarray(0, 0))).toThrow(SenmlError);
    expect(() => decodeSenmlCbor(Buffer.from('a0', 'hex'))).toThrow('a SenML pack is a CBOR array');
    expect(() => decodeSenmlCbor(Buffer.from('8101', 'hex'))).toThrow('record 0 is not a CBOR map');
  });

  it('rejects unknown must-understand fields unless the caller understands them', () => {
    const bytes = encodeSenmlCbor([{ bn: 'n/', n: 'x', v: 1, bt: T0 / 1000, colour_: 'red' }]);
    expect(() => decodePack(bytes)).toThrow('must-understand field "colour_"');
    expect(decodePack(bytes, { understood: new Set(['colour_']) })[0]?.value).toBe(1);
  });

  it('resolves times below 2^28 relative to now', () => {
    const bytes = encodeSenmlCbor([{ n: 'x', v: 1, t: -5 }]);
    expect(decodePack(bytes, { nowSeconds: 2_000_000_000 })[0]?.time).toBe(1_999_999_995);
  });

  it('applies base value, base unit and sums', () => {
    const records = decodePack(encodeSenmlCbor([{ bn: 'm/', bt: T0 / 1000, bu: 'W', bv: 100, n: 'a', v: 5 }, { n: 'b', s: 7 }]));
    expect(records.map((record) => [record.name, record.value, record.unit, record.sum])).toEqual([
      ['m/a', 105, 'W', undefined],
      ['m/b', undefined, 'W', 7],
    ]);
  });
});
