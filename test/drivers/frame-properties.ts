import fc from 'fast-check';
import { expect } from 'vitest';
import type { Reading } from '../../src/core/reading.js';
import type { BytesDriverDefinition } from '../../src/drivers/driver.js';
import { harness } from '../support/driver-harness.js';

/** How many random streams each decoder is fed: at least 100,000 unless the environment says otherwise. */
export const PROPERTY_RUNS = Number(process.env['FIELDNODE_PROPERTY_RUNS'] ?? 100_000);

/**
 * The time a property test of PROPERTY_RUNS runs may take. Alone on a core one takes about six
 * seconds; a CI runner shared with other jobs runs it several times slower, which is not the
 * code getting slower (the benchmarks measure that).
 */
export const PROPERTY_TIMEOUT_MS = 120_000;

export interface FrameDriverUnderTest<Values> {
  readonly definition: BytesDriverDefinition;
  /** The device's options, as its schema outputs them. */
  readonly device: unknown;
  readonly sensors: [string, string | undefined, unknown][];
  /** Arbitrary device values, already at the device's resolution. */
  readonly values: fc.Arbitrary<Values>;
  readonly encode: (values: Values) => Buffer;
  /** The readings (name → value) one valid frame must produce. */
  readonly expected: (values: Values) => Record<string, number>;
  /** Header bytes: mutations after them make a frame corrupt but still recognisable. */
  readonly headerLength: number;
}

type Segment<Values> = { kind: 'valid'; values: Values } | { kind: 'corrupt'; values: Values; at: number; xor: number } | { kind: 'truncated'; values: Values; keep: number } | { kind: 'garbage'; bytes: number[] };

/**
 * Feeds random streams of valid, corrupted and truncated frames and garbage, cut into random
 * chunks: nothing throws, every recognisable corrupt frame is counted, and every valid frame
 * is recovered, in order.
 */
export function checkFrameDriverProperties<Values>(driver: FrameDriverUnderTest<Values>): void {
  const segment: fc.Arbitrary<Segment<Values>> = fc.oneof(
    { weight: 4, arbitrary: driver.values.map((values) => ({ kind: 'valid' as const, values })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('corrupt' as const), values: driver.values, at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncated' as const), values: driver.values, keep: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }) }) },
  );
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (segments, chunkSizes) => {
      const under = harness(driver.definition, driver.device, driver.sensors);
      let corrupt = 0;
      const parts = segments.map((part) => {
        if (part.kind === 'garbage') return Buffer.from(part.bytes);
        const frame = driver.encode(part.values);
        if (part.kind === 'valid') return frame;
        if (part.kind === 'truncated') return frame.subarray(0, part.keep % frame.length);
        corrupt++;
        const bad = Buffer.from(frame);
        const at = driver.headerLength + (part.at % (frame.length - driver.headerLength));
        bad[at] = bad[at]! ^ part.xor;
        return bad;
      });
      const stream = Buffer.concat(parts);
      for (let offset = 0, index = 0; offset < stream.length; index++) {
        const size = chunkSizes[index % chunkSizes.length]!;
        under.bytes(stream.subarray(offset, offset + size));
        offset += size;
      }
      under.clock.advance(1000); // the line goes quiet
      const expected = segments.filter((part) => part.kind === 'valid').map((part) => driver.expected(part.values));
      expect(isSubsequence(expected, groupByFrame(under.readings, driver.sensors.length))).toBe(true);
      // Each corrupt frame is counted: rejected as a bad frame when the scanner reaches its
      // header, or skipped as garbage when a truncated frame before it borrowed its first bytes
      // and passed a short checksum by chance (about 1 in 65,536 for an SDS011).
      expect(under.problems.total('bad-frame') + under.problems.total('garbage-bytes')).toBeGreaterThanOrEqual(corrupt);
    }),
    { numRuns: PROPERTY_RUNS },
  );
}

function groupByFrame(readings: readonly Reading[], perFrame: number): Record<string, number>[] {
  const frames: Record<string, number>[] = [];
  for (let index = 0; index < readings.length; index += perFrame) {
    frames.push(Object.fromEntries(readings.slice(index, index + perFrame).map((reading) => [reading.name, reading.value as number])));
  }
  return frames;
}

/** Whether `wanted` appears in `actual` in order (extra frames found in random garbage are allowed). */
function isSubsequence(wanted: readonly Record<string, number>[], actual: readonly Record<string, number>[]): boolean {
  let at = 0;
  for (const frame of actual) {
    if (at < wanted.length && JSON.stringify(frame) === JSON.stringify(wanted[at])) at++;
  }
  return at === wanted.length;
}
