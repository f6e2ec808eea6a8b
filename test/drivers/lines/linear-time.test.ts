/**
 * A sensor line is untrusted input: decoding must cost time in proportion to its length,
 * or one long line of digits from a noisy port stalls the event loop of the whole node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertValue, decodeLine, type FieldSpec, type LineLayout } from '../../../src/drivers/lines/decode.js';
import { linesDriver } from '../../../src/drivers/lines/index.js';
import { LineFramer } from '../../../src/transports/line-framing.js';
import { harness } from '../../support/driver-harness.js';

const fields: FieldSpec[] = [{ name: 'temperature', key: 't', column: 0, as: 'number', scale: 1, offset: 0 }];
const kv: LineLayout = { format: 'kv', delimiter: ',' };
const csv: LineLayout = { format: 'csv', delimiter: ',' };

/** The best of three runs, in ms per decode: the minimum is the least disturbed by other work on the machine. */
function bestTime(text: string, layout: LineLayout, repeat: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    for (let index = 0; index < repeat; index++) decodeLine(text, layout, fields);
    best = Math.min(best, (performance.now() - start) / repeat);
  }
  return best;
}

describe('lines decoder: time linear in the line length', () => {
  const hostile = (digits: number) => [
    ['kv, digits then a letter', `t=${'1'.repeat(digits)}x`, kv],
    ['csv, digits then a letter', `${'1'.repeat(digits)}x`, csv],
    ['csv, digits, a point, a letter', `${'1'.repeat(digits)}.x`, csv],
  ] as const;

  it('10 times longer costs at most about 10 times more (4,090 and 40,900 digits)', () => {
    const short = hostile(4090);
    const long = hostile(40_900);
    for (let index = 0; index < short.length; index++) {
      const [label, shortText, layout] = short[index]!;
      const longText = long[index]![1];
      // Enough repetitions that the short case takes measurable time even when linear;
      // few of the long one, which takes seconds when the decoder is quadratic.
      const shortMs = bestTime(shortText, layout, 200);
      const longMs = bestTime(longText, layout, 20);
      const ratio = longMs / Math.max(shortMs, 0.001);
      expect({ label, ratio: ratio <= 30 ? 'at most 30' : ratio }).toEqual({ label, ratio: 'at most 30' });
    }
  });

  it('accepts and refuses the same numbers as the decimal pattern it replaces', () => {
    const pattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
    const spec = { as: 'number', scale: 1, offset: 0 } as const;
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.+\-eE x]{0,12}$/), (text) => {
        const converted = convertValue(text, spec);
        expect(typeof converted === 'object').toBe(pattern.test(text.trim()) && Number.isFinite(Number(text.trim())));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lines driver: bounded line length', () => {
  it('declares a 1 KiB line bound, and the framer built from it drops a longer line before decoding, counting it', () => {
    const under = harness(linesDriver, { format: 'kv', delimiter: ',' }, [['temperature', 'Cel', { key: 't', as: 'number', scale: 1, offset: 0 }]]);
    const { problems } = under;
    const framing = under.instance.framing;
    if (framing.kind !== 'lines') throw new Error('the lines driver reads lines');
    expect(framing.maxLineBytes).toBe(1025);
    const framer = new LineFramer((line) => under.line(line), {
      delimiter: framing.delimiter,
      maxLineBytes: framing.maxLineBytes,
      onOverflow: (bytes) => problems.count('line-too-long', `${bytes} bytes`),
    });
    framer.push(Buffer.from(`t=1${' '.repeat(1021)}\r\n`));
    framer.push(Buffer.from(`t=1${' '.repeat(1022)}\r\n`));
    framer.push(Buffer.from(`t=${'1'.repeat(40_000)}x\n`));
    framer.push(Buffer.from('t=2\r\n'));
    expect(under.readings.map((reading) => reading.value)).toEqual([1, 2]);
    expect(problems.snapshot()).toEqual({ 'line-too-long': 2 });
  });
});
