/**
 * The flood at the weir, six hours of it on virtual time, once as it is and once with delta
 * and heartbeat on the level sensors: the filtered run sends a fraction of the bytes, and
 * yet a consumer's view of the level is never further than the threshold from any reading
 * the sonar took, and never older than the heartbeat.
 */
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../src/core/reading.js';
import { runFlood } from '../../support/flood-run.js';

const HOURS = 6;
const LEVEL_INTERVAL_MS = 5000;
const HEARTBEAT_MS = 300_000;
const THRESHOLD = { level: 0.02, range: 20 };
const filters = {
  level: [{ delta: { absolute: THRESHOLD.level } }, { heartbeat: { intervalMs: HEARTBEAT_MS } }],
  range: [{ delta: { absolute: THRESHOLD.range } }, { heartbeat: { intervalMs: HEARTBEAT_MS } }],
};

const named = (readings: readonly Reading[], name: string) => readings.filter((reading) => reading.name === name);

describe('the flood through delta and heartbeat', () => {
  it('sends far fewer bytes, and every change above the threshold arrives', { timeout: 120_000 }, async () => {
    const plain = await runFlood({ hours: HOURS, levelIntervalMs: LEVEL_INTERVAL_MS });
    const filtered = await runFlood({ hours: HOURS, levelIntervalMs: LEVEL_INTERVAL_MS, filters });
    const total = (bytes: Record<string, number>) => Object.values(bytes).reduce((sum, value) => sum + value, 0);
    console.log(
      [
        `flood, ${HOURS} h, sonar every ${LEVEL_INTERVAL_MS / 1000} s, rain station every 2 s:`,
        `  level board: ${plain.sent['level']!.length} readings, ${plain.bytes['level']} bytes without filters; ${filtered.sent['level']!.length} readings, ${filtered.bytes['level']} bytes with delta + heartbeat`,
        `  whole node:  ${total(plain.bytes)} bytes without, ${total(filtered.bytes)} bytes with (the rain board has no filters)`,
      ].join('\n'),
    );
    // The river does flood in these hours: the run is a test of changes, not of a flat line.
    const levels = named(plain.sent['level']!, 'level').map((reading) => reading.value as number);
    expect(levels.length).toBeGreaterThanOrEqual((HOURS * 3_600_000) / LEVEL_INTERVAL_MS - 2);
    expect(Math.max(...levels) - Math.min(...levels)).toBeGreaterThan(0.3);

    expect(filtered.bytes['level']!).toBeLessThan(plain.bytes['level']! / 5);
    expect(filtered.bytes['rain']).toBe(plain.bytes['rain']);

    for (const name of ['level', 'range'] as const) {
      const truth = named(plain.sent['level']!, name);
      const view = named(filtered.sent['level']!, name);
      // What a consumer shows at each reading's time is the last value it received: within the threshold of that reading.
      let shown = -1;
      for (const reading of truth) {
        while (shown + 1 < view.length && view[shown + 1]!.time <= reading.time) shown++;
        expect(Math.abs((reading.value as number) - (view[shown]!.value as number)), `${name} at ${reading.time}`).toBeLessThanOrEqual(THRESHOLD[name]);
      }
      // ...and the consumer hears from the sensor at least every heartbeat, stamped when sent.
      for (let index = 1; index < view.length; index++) expect(view[index]!.time - view[index - 1]!.time).toBeLessThanOrEqual(HEARTBEAT_MS);
    }
  });
});
