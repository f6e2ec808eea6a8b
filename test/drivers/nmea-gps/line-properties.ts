import fc from 'fast-check';
import type { Reading } from '../../../src/core/reading.js';
import type { BytesDriverDefinition } from '../../../src/drivers/driver.js';
import { harness } from '../../support/driver-harness.js';
import { PROPERTY_RUNS } from '../frame-properties.js';

/** A line protocol under test: how to write valid lines, and what each must yield. */
export interface LineDriverUnderTest<Values> {
  readonly definition: BytesDriverDefinition;
  /** The device's options, as its schema outputs them. */
  readonly device: unknown;
  readonly sensors: [string, string | undefined, unknown][];
  /** Arbitrary device values, already at the protocol's resolution. */
  readonly values: fc.Arbitrary<Values>;
  /** One complete line with its line ending; `index` is unique per line in a stream (a sequence number, a time). */
  readonly encode: (values: Values, index: number) => string;
  /** The readings (name, value) one valid line must produce, in order. */
  readonly expected: (values: Values, index: number) => [string, number][];
  /** Sound lines the driver must skip without counting a problem (other sentence types). */
  readonly ignored: readonly string[];
  /** Where in a line a changed character must be caught (between `$` and `*`): [start, end). */
  readonly checkedSpan: (line: string) => [number, number];
  /** The problem kind a line with a changed character is counted under. */
  readonly corruptKind: string;
  /** How close a decoded number must be to the expected one (text round trips of floats). */
  readonly tolerance: number;
}

type Segment<Values> =
  | { kind: 'valid'; values: Values }
  | { kind: 'corrupt'; values: Values; at: number; xor: number }
  | { kind: 'truncated'; values: Values; keep: number }
  | { kind: 'garbage'; bytes: number[] }
  | { kind: 'ignored'; which: number };

/**
 * Feeds random streams of valid, corrupted, truncated and ignorable lines and raw garbage
 * (any byte, newlines and `$` included), cut into random chunks and framed into lines as the
 * transport does (latin1, split at LF, CR left for the driver): nothing throws, every corrupted line is counted, every valid line is recovered in
 * order, and a stream without damage yields exactly the valid lines' readings and no problem.
 */
export function checkLineDriverProperties<Values>(driver: LineDriverUnderTest<Values>): void {
  const segment: fc.Arbitrary<Segment<Values>> = fc.oneof(
    { weight: 4, arbitrary: driver.values.map((values) => ({ kind: 'valid' as const, values })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('corrupt' as const), values: driver.values, at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncated' as const), values: driver.values, keep: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x0a, 0x0d, 0x24, 0x2a, 0x2c)), { maxLength: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('ignored' as const), which: fc.nat() }) },
  );
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), (segments, chunkSizes) => {
      const under = harness(driver.definition, driver.device, driver.sensors);
      const framer = new LineSplitter((line) => under.line(line));
      let corrupt = 0;
      const expected: [string, number][] = [];
      const parts = segments.map((part, index) => {
        if (part.kind === 'garbage') return Buffer.from(part.bytes);
        if (part.kind === 'ignored') return Buffer.from(driver.ignored[part.which % driver.ignored.length]!, 'latin1');
        const line = Buffer.from(driver.encode(part.values, index), 'latin1');
        if (part.kind === 'valid') {
          expected.push(...driver.expected(part.values, index));
          return line;
        }
        if (part.kind === 'truncated') return line.subarray(0, part.keep % line.length);
        corrupt++;
        const [start, end] = driver.checkedSpan(line.toString('latin1'));
        const bad = Buffer.from(line);
        const at = start + (part.at % (end - start));
        bad[at] = bad[at]! ^ part.xor;
        return bad;
      });
      const stream = Buffer.concat(parts);
      for (let offset = 0, index = 0; offset < stream.length; index++) {
        const size = chunkSizes[index % chunkSizes.length]!;
        framer.push(stream.subarray(offset, offset + size));
        offset += size;
      }
      framer.push(Buffer.from('\n')); // the last line ends
      // Plain checks, not expect(): its bookkeeping would dominate 100,000 runs.
      check(isSubsequence(expected, under.readings, driver.tolerance), () => `valid lines lost: ${JSON.stringify(under.readings.map((reading) => [reading.name, reading.value]))}`);
      check(under.problems.total(driver.corruptKind) >= corrupt, () => `${corrupt} corrupt lines, ${under.problems.total(driver.corruptKind)} counted`);
      if (segments.every((part) => part.kind === 'valid' || part.kind === 'ignored')) {
        check(under.readings.length === expected.length, () => `${under.readings.length} readings, ${expected.length} expected`);
        check(Object.keys(under.problems.snapshot()).length === 0, () => `problems in a sound stream: ${JSON.stringify(under.problems.snapshot())}`);
      }
    }),
    { numRuns: PROPERTY_RUNS },
  );
}

function check(condition: boolean, explain: () => string): void {
  if (!condition) throw new Error(explain());
}

/** Whether the wanted readings appear in `actual` in order (readings found in random garbage are allowed in between). */
function isSubsequence(wanted: readonly [string, number][], actual: readonly Reading[], tolerance: number): boolean {
  let at = 0;
  for (const reading of actual) {
    const next = wanted[at];
    if (next && reading.name === next[0] && Math.abs((reading.value as number) - next[1]) <= tolerance) at++;
  }
  return at === wanted.length;
}

/**
 * The transport's line framing (src/transports/line-framing.ts) without its stream machinery,
 * which would dominate the run time of 100,000 streams.
 */
class LineSplitter {
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const lines = (this.pending + chunk.toString('latin1')).split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) this.onLine(line);
  }
}
