/**
 * The direct pack writer must give the very bytes of the cbor-x route it stands in for, for
 * every record packFromReadings can make and for odd ones (any double, any text, unknown
 * extension fields); and it must leave to that route what it does not write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSenmlCbor, encodeWithCborX } from '../../src/codec/cbor.js';
import { packFromReadings, senmlLabels, type SenmlRecord } from '../../src/codec/senml.js';
import { writeExactPack } from '../../src/codec/senml-writer.js';
import type { Reading } from '../../src/core/reading.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../drivers/frame-properties.js';

const labels = new Map<string, number>(Object.entries(senmlLabels));
const T0 = Date.UTC(2026, 0, 1);

const number = fc.oneof(
  fc.double(),
  fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
  fc.float(),
  fc.constantFrom(0, -0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, -24, -25, -256, -257, 0.1, 21.5, 1e300, -Number.MAX_VALUE, 5e-324, 2 ** -24, 65504, 65520, NaN, Infinity, -Infinity),
);
const scalar = fc.oneof(number, fc.string({ maxLength: 300, unit: 'binary' }), fc.boolean(), fc.constant(undefined));
const field = fc.oneof(fc.constantFrom(...Object.keys(senmlLabels), 'boot', 'seq', 'oor', 'clock_', 'hist_'), fc.string({ minLength: 1, maxLength: 30 }));
const record = fc.dictionary(field, scalar, { maxKeys: 30 }) as fc.Arbitrary<SenmlRecord>;

describe('direct SenML-CBOR writer', () => {
  it('writes the bytes of the cbor-x route for any records of text, numbers and booleans', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), (records) => {
        expect(writeExactPack(records, labels)!.toString('hex')).toBe(encodeWithCborX(records, 'exact').toString('hex'));
      }),
      { numRuns: Math.ceil(PROPERTY_RUNS / 10) },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('writes the bytes of the cbor-x route for packs of readings, long ones included', () => {
    const reading = fc.record({
      name: fc.string({ minLength: 1, maxLength: 20 }),
      value: fc.oneof(number, fc.string({ maxLength: 40 }), fc.boolean()),
      unit: fc.option(fc.constantFrom('Cel', '%RH', 'Pa', 'mm', 'm/s', 'dBA'), { nil: undefined }),
      time: fc.integer({ min: T0, max: T0 + 86_400_000 }),
    }) as fc.Arbitrary<Reading>;
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 400 }), fc.nat(), (readings, seq) => {
        const records = packFromReadings(readings, 'site/node/board/', { boot: 1_767_225_600, seq });
        expect(encodeSenmlCbor(records).toString('hex')).toBe(encodeWithCborX(records, 'exact').toString('hex'));
      }),
      { numRuns: Math.ceil(PROPERTY_RUNS / 100) },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('leaves a record with a byte string or an object to the cbor-x route', () => {
    const withBytes: SenmlRecord[] = [{ n: 'blob', vd: new Uint8Array([1, 2, 3]) }];
    const withObject: SenmlRecord[] = [{ n: 'x', v: 1, extra: { nested: true } }];
    expect(writeExactPack(withBytes, labels)).toBeUndefined();
    expect(writeExactPack(withObject, labels)).toBeUndefined();
    expect(encodeSenmlCbor(withBytes).toString('hex')).toBe(encodeWithCborX(withBytes, 'exact').toString('hex'));
    expect(encodeSenmlCbor(withObject).toString('hex')).toBe(encodeWithCborX(withObject, 'exact').toString('hex'));
  });

  it('hands out packs that stay as they were when later packs are written', () => {
    const first = writeExactPack([{ n: 'a', v: 1 }], labels)!;
    const copy = Buffer.from(first);
    writeExactPack([{ n: 'b'.repeat(40_000), v: 2.5 }], labels);
    expect(first.equals(copy)).toBe(true);
  });
});
