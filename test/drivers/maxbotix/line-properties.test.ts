/**
 * The MaxSonar's line protocol under random and mutated byte streams, cut by the runtime's own
 * line framer at the driver's delimiter: nothing throws, every corrupted line is counted, and
 * every sound reading mixed in garbage, cut-off lines and corrupted ones is recovered in order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMaxbotix } from '../../../src/drivers/maxbotix/decode.js';
import { maxbotixDriver } from '../../../src/drivers/maxbotix/index.js';
import { LineFramer } from '../../../src/transports/line-framing.js';
import { harness } from '../../support/driver-harness.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../frame-properties.js';

type Segment =
  | { kind: 'valid'; rangeMm: number }
  | { kind: 'no-target' }
  | { kind: 'out-of-range'; rangeMm: number }
  | { kind: 'corrupt'; rangeMm: number; at: number; byte: number }
  | { kind: 'truncated'; rangeMm: number; keep: number }
  | { kind: 'garbage'; bytes: number[] };

const CR = 0x0d;
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const validRange = fc.integer({ min: 300, max: 4999 });

const segment: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 5, arbitrary: validRange.map((rangeMm) => ({ kind: 'valid' as const, rangeMm })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'no-target' as const }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 0, max: 299 }), fc.integer({ min: 5001, max: 9999 })).map((rangeMm) => ({ kind: 'out-of-range' as const, rangeMm })) },
  {
    weight: 2,
    // One character of `R dddd` replaced by any byte that cannot stand there (a CR would only end the line early: that is `truncated`).
    arbitrary: fc
      .record({ kind: fc.constant('corrupt' as const), rangeMm: validRange, at: fc.integer({ min: 0, max: 4 }), byte: fc.integer({ min: 0, max: 255 }) })
      .filter((part) => part.byte !== CR && (part.at === 0 ? part.byte !== 0x52 : !isDigit(part.byte))),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncated' as const), rangeMm: validRange, keep: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 24 }) }) },
);

function render(part: Segment): Buffer {
  switch (part.kind) {
    case 'valid':
    case 'out-of-range':
      return encodeMaxbotix(part.rangeMm);
    case 'no-target':
      return encodeMaxbotix(5000);
    case 'truncated':
      return encodeMaxbotix(part.rangeMm).subarray(0, part.keep);
    case 'garbage':
      return Buffer.from(part.bytes);
    case 'corrupt': {
      const line = Buffer.from(encodeMaxbotix(part.rangeMm));
      line[part.at] = part.byte;
      return line;
    }
  }
}

describe('maxbotix driver on random streams (property)', () => {
  it('never throws, counts every bad line by kind and recovers every sound reading in order', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    const { framing } = harness(maxbotixDriver, { minRangeMm: 300, maxRangeMm: 5000 }, [['distance', 'mm', { field: 'range' }]]).instance;
    if (framing.kind !== 'lines') throw new Error('maxbotix reads lines');
    // One framer for all runs, reset between them: building a stream parser per run would dominate the time.
    let deliver: (line: string) => void = () => undefined;
    const framer = new LineFramer((line) => deliver(line), { delimiter: framing.delimiter });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }), (segments, chunkSizes) => {
        const under = harness(maxbotixDriver, { minRangeMm: 300, maxRangeMm: 5000 }, [['distance', 'mm', { field: 'range' }]]);
        framer.reset();
        deliver = (line) => under.line(line);
        const stream = Buffer.concat(segments.map(render));
        for (let offset = 0, index = 0; offset < stream.length; index++) {
          const size = chunkSizes[index % chunkSizes.length]!;
          framer.push(stream.subarray(offset, offset + size));
          offset += size;
        }
        const count = (kind: Segment['kind']) => segments.filter((part) => part.kind === kind).length;
        const wanted = segments.flatMap((part) => (part.kind === 'valid' ? [part.rangeMm] : []));
        const got = under.readings.map((reading) => reading.value as number);
        expect(isSubsequence(wanted, got)).toBe(true);
        // Garbage may spell a reading by chance, but nothing outside the model's limits gets through.
        expect(got.every((rangeMm) => rangeMm >= 300 && rangeMm < 5000)).toBe(true);
        expect(under.problems.total('malformed-line')).toBeGreaterThanOrEqual(count('corrupt'));
        expect(under.problems.total('no-target')).toBeGreaterThanOrEqual(count('no-target'));
        expect(under.problems.total('out-of-range')).toBeGreaterThanOrEqual(count('out-of-range'));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

function isSubsequence(wanted: readonly number[], actual: readonly number[]): boolean {
  let at = 0;
  for (const value of actual) if (at < wanted.length && value === wanted[at]) at++;
  return at === wanted.length;
}
