/**
 * RFC 8428 §6: a CBOR number must convert to exactly the IEEE double the JSON number would.
 * Checked with node-cbor, a decoder that knows nothing of fieldnode. Plus the receiver's side
 * of RFC 9100: versions and secondary units.
 */
import { Decoder as GenericCborDecoder } from 'cbor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { halfBitsOf } from '../../src/codec/half-float.js';
import { decodePack, encodeHistorical, encodePack, encodeSenmlCbor, SenmlError } from '../../src/codec/index.js';
import { isSenmlUnit, SECONDARY_UNITS, SECONDARY_UNITS_VERSION, toPrimaryUnit } from '../../src/codec/units.js';
import type { Reading } from '../../src/core/reading.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../drivers/frame-properties.js';

const T0 = Date.UTC(2026, 0, 1);
const valueOf = (bytes: Buffer): unknown => (GenericCborDecoder.decodeFirstSync(bytes, { preferMap: true }) as Map<number, unknown>[])[0]!.get(2);
/** The CBOR major type and additional information of the value: the byte after the pack, map and label heads. */
const headOfValue = (bytes: Buffer) => ({ major: bytes[3]! >> 5, info: bytes[3]! & 0x1f });

/** A float16's value from its bits, as IEEE 754 defines it (written here, not taken from the code under test). */
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

describe('exact numbers (property, generic decoder)', () => {
  it('any finite double reaches node-cbor as the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const read = valueOf(encodeSenmlCbor([{ v: value }]));
        // -0 goes out as the integer 0: the same number, which is all SenML carries.
        expect(read).toBe(Object.is(value, -0) ? 0 : value);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('writes a float16 or float32 exactly when it is the same double, else a float64 (RFC 8949 §4.2.2)', () => {
    const halves = fc.integer({ min: 0, max: 0xffff }).map((bits) => halfValue(bits)).filter((value) => Number.isFinite(value) && !Number.isInteger(value));
    const singles = fc.float({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value) && halfBitsOf(value) === undefined);
    const doubles = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value) && Math.fround(value) !== value);
    for (const [kind, values, head] of [['float16', halves, 0xf9], ['float32', singles, 0xfa], ['float64', doubles, 0xfb]] as const) {
      fc.assert(
        fc.property(values, (value) => {
          const bytes = encodeSenmlCbor([{ v: value }]);
          expect(bytes[3], `${value} as ${kind}`).toBe(head);
          expect(valueOf(bytes)).toBe(Object.is(value, -0) ? 0 : value);
        }),
        { numRuns: PROPERTY_RUNS },
      );
    }
  }, PROPERTY_TIMEOUT_MS);

  it('knows every float16 (all 65,536 bit patterns): their value gives back their bits', () => {
    for (let bits = 0; bits <= 0xffff; bits++) {
      const value = halfValue(bits);
      if (Number.isNaN(value)) expect(halfBitsOf(value)).toBeUndefined();
      else expect(halfBitsOf(value), `0x${bits.toString(16)}`).toBe(bits);
    }
  });

  it('decimals as drivers make them (the double of a short decimal) read back as that decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: -99_999_999, max: 99_999_999 }), fc.integer({ min: 0, max: 8 }), (digits, decimals) => {
        const value = digits / 10 ** decimals;
        const read = valueOf(encodeSenmlCbor([{ v: value }])) as number;
        expect(read).toBe(value);
        expect(String(read)).toBe(String(value));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('integers stay CBOR integers (up to 32 bits; larger ones go as exact float64)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 32), max: 2 ** 32 - 1 }), (value) => {
        const bytes = encodeSenmlCbor([{ v: value }]);
        expect([0, 1]).toContain(headOfValue(bytes).major);
        expect(valueOf(bytes)).toBe(value);
      }),
      { numRuns: PROPERTY_RUNS },
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        expect(valueOf(encodeSenmlCbor([{ v: value }]))).toBe(value);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('the compact option still round-trips decimals of up to 7 significant digits through fieldnode\'s decoder told so', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9_999_999, max: 9_999_999 }), fc.integer({ min: 0, max: 7 }), (digits, decimals) => {
        const value = digits / 10 ** decimals;
        const reading: Reading = { name: 'x', value, time: T0 };
        const bytes = encodePack([reading], 'n/', undefined, { floats: 'compact' });
        expect(decodePack(bytes, { floats: 'compact' })[0]!.value).toBe(value);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('is what the old compact encoding was not: 6.37 is 6.37 to a generic decoder by default, 6.369999885559082 compact', () => {
    const reading: Reading = { name: 'x', value: 6.37, time: T0 };
    expect(valueOf(encodePack([reading], 'n/'))).toBe(6.37);
    expect(valueOf(encodePack([reading], 'n/', undefined, { floats: 'compact' }))).toBe(6.369999885559082);
  });

  it('marks a stored pack historical without touching its values, exact or compact', () => {
    const readings: Reading[] = [{ name: 'a', value: 6.37, time: T0 }, { name: 'b', value: 21.53, unit: 'ug/m3', time: T0 + 1000 }];
    for (const floats of ['exact', 'compact'] as const) {
      const stored = encodePack(readings, 'n/', { boot: 3, seq: 9 }, { floats });
      const historical = encodeHistorical(stored);
      const records = GenericCborDecoder.decodeFirstSync(historical, { preferMap: true }) as Map<number | string, unknown>[];
      const before = GenericCborDecoder.decodeFirstSync(stored, { preferMap: true }) as Map<number | string, unknown>[];
      records.forEach((record, index) => {
        expect(record.get('hist_')).toBe(true);
        record.delete('hist_');
        expect(record).toEqual(before[index]);
      });
      expect(decodePack(historical, { floats }).map((record) => record.value)).toEqual([6.37, 21.53]);
    }
  });
});

describe('SenML versions (RFC 9100) as a receiver checks them', () => {
  const pack = (first: Record<string, unknown>) => encodeSenmlCbor([{ bn: 'n/', bt: T0 / 1000, n: 'x', v: 1, ...first }]);

  it('accepts version 10 and 26 (Secondary Units), and a pack without bver', () => {
    expect(decodePack(pack({}))[0]!.value).toBe(1);
    expect(decodePack(pack({ bver: 10 }))[0]!.value).toBe(1);
    expect(decodePack(pack({ bver: SECONDARY_UNITS_VERSION, u: 'ppm' }))[0]!.unit).toBe('ppm');
  });

  it('rejects feature bits it does not know, and versions that are not a bitmap over 10', () => {
    for (const bver of [10 + 32, 26 + 2 ** 40, 2 ** 52 + 10, 11, 8, 5, 0]) {
      expect(() => decodePack(pack({ bver })), `bver ${bver}`).toThrow(SenmlError);
    }
    expect(() => decodePack(pack({ bver: 42 }))).toThrow('SenML version 42 asks for features this receiver does not implement');
    expect(() => decodePack(pack({ bver: 10.5 }))).toThrow('not an unsigned integer');
  });

  it('rejects a secondary unit in a pack that does not announce the feature, in u or in bu', () => {
    expect(() => decodePack(pack({ u: 'ug/m3' }))).toThrow('"ug/m3" is a secondary unit, but the pack does not announce the Secondary Units feature');
    expect(() => decodePack(pack({ bver: 10, bu: 'mm' }))).toThrow(SenmlError);
    // SenML Units need no feature.
    expect(decodePack(pack({ u: 'kg/m3' }))[0]!.unit).toBe('kg/m3');
  });

  it('writes bver 26 first in exactly the packs that carry a secondary unit', () => {
    const at = (unit: string | undefined) => GenericCborDecoder.decodeFirstSync(encodePack([{ name: 'a', value: 1, unit: 'Cel', time: T0 }, { name: 'b', value: 2, unit, time: T0 }], 'n/'), { preferMap: true }) as Map<number, unknown>[];
    const announced = at('ppm');
    expect([...announced[0]!.keys()][0]).toBe(-1);
    expect(announced[0]!.get(-1)).toBe(26);
    expect(announced[1]!.has(-1)).toBe(false);
    expect(at('Cel')[0]!.has(-1)).toBe(false);
    expect(at(undefined)[0]!.has(-1)).toBe(false);
  });
});

describe('secondary units converted to SenML units (encoding.secondaryUnits: convert)', () => {
  it('converts with the registry\'s scale and offset, to the double of the exact decimal', () => {
    const cases: [number, string, number, string][] = [
      [1250, 'mm', 1.25, 'm'],
      [0.4, 'mm', 0.0004, 'm'],
      [21.53, 'ug/m3', 2.153e-8, 'kg/m3'],
      [6.37, 'ms', 0.00637, 's'],
      [10, 'dBm', -20, 'dBW'],
      [-4.5, 'dBm', -34.5, 'dBW'],
      [1013.25, 'hPa', 101325, 'Pa'],
      [415, 'ppm', 0.000415, '/'],
      [1.5, 'h', 5400, 's'],
      [36, 'km/h', 10, 'm/s'],
      [100, 'km/h', 27.77777777777778, 'm/s'],
      [2.5, 'kWh', 9000000, 'J'],
    ];
    for (const [value, unit, expected, primary] of cases) expect(toPrimaryUnit(value, unit), `${value} ${unit}`).toEqual({ value: expected, unit: primary });
    expect(toPrimaryUnit(21.5, 'Cel')).toEqual({ value: 21.5, unit: 'Cel' });
  });

  it('moves only the decimal point for the units scaled by a power of ten (property)', () => {
    const powers = [...SECONDARY_UNITS].filter(([, unit]) => unit.offset === 0 && [unit.scale.numerator, unit.scale.denominator].every((part) => /^10*$/.test(String(part))));
    expect(powers.map(([name]) => name)).toEqual(expect.arrayContaining(['mm', 'ug/m3', 'ppm', 'hPa', 'ms', 'mV', 'mA', 'kW']));
    fc.assert(
      fc.property(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: -6, max: 6 }), fc.constantFrom(...powers), (digits, exponent, [name, unit]) => {
        const shift = Math.log10(unit.scale.numerator) - Math.log10(unit.scale.denominator);
        // Independent of the code under test: the decimal written with its exponent moved.
        expect(toPrimaryUnit(Number(`${digits}e${exponent}`), name).value).toBe(Number(`${digits}e${exponent + shift}`));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('sends packs without secondary units, hence without bver, when told to convert', () => {
    const readings: Reading[] = [{ name: 'rain', value: 0.4, unit: 'mm', time: T0 }, { name: 'pm', value: 12.3, unit: 'ug/m3', time: T0 }, { name: 't', value: 21.5, unit: 'Cel', time: T0 }];
    const records = GenericCborDecoder.decodeFirstSync(encodePack(readings, 'n/', undefined, { secondaryUnits: 'convert' }), { preferMap: true }) as Map<number, unknown>[];
    expect(records[0]!.has(-1)).toBe(false);
    expect(records.map((record) => [record.get(1), record.get(2)])).toEqual([['m', 0.0004], ['kg/m3', 1.23e-8], ['Cel', 21.5]]);
    for (const record of records) expect(isSenmlUnit(record.get(1) as string)).toBe(true);
  });
});
