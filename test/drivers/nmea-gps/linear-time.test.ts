/**
 * A line from a GPS port is untrusted input: splitting it into sentences must cost time in
 * proportion to its length, or a noisy port full of carriage returns stalls the node.
 */
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../src/drivers/nmea-gps/decode.js';

/** The best of three runs, in ms per split: the minimum is the least disturbed by other work. */
function bestTime(text: string, repeat: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    for (let index = 0; index < repeat; index++) splitSentences(text);
    best = Math.min(best, (performance.now() - start) / repeat);
  }
  return best;
}

describe('nmea-gps sentence splitting: time linear in the line length', () => {
  const hostile = (returns: number) => `$GPGGA${'\r'.repeat(returns)}x`;

  it('10 times more carriage returns before the end costs at most about 10 times more', () => {
    const shortMs = bestTime(hostile(4090), 200);
    const longMs = bestTime(hostile(40_900), 20);
    const ratio = longMs / Math.max(shortMs, 0.001);
    expect(ratio <= 30 ? 'at most 30' : ratio).toBe('at most 30');
  });

  it('still trims the line end of every sentence, and only the line end', () => {
    expect(splitSentences('$GPRMC,1*00\r\n$GPGGA\r\r\n')).toEqual({ stray: '', candidates: ['$GPRMC,1*00', '$GPGGA'] });
    expect(splitSentences('junk$GP\rGGA\n').candidates).toEqual(['$GP\rGGA']);
  });
});
