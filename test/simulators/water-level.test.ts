import { describe, expect, it } from 'vitest';
import { maxbotixSimulator, type SonarValues } from '../../simulators/devices/maxbotix.js';
import type { PeriodicDevice } from '../../simulators/devices/periodic.js';
import { WaterLevelModel } from '../../simulators/models/water-level.js';
import { VirtualClock } from '../../src/core/clock.js';
import { z } from 'zod';

const HOUR_MS = 3_600_000;
const start = Date.UTC(2026, 4, 12, 6);

function hourly(seed: number, hours: number): number[] {
  const model = new WaterLevelModel({ seed, baseLevelM: 0.6 });
  return Array.from({ length: hours }, (_, hour) => model.levelAt(start + hour * HOUR_MS));
}

describe('water-level model', () => {
  it('replays the same river from the same seed, and another from another', () => {
    expect(hourly(3, 96)).toEqual(hourly(3, 96));
    expect(hourly(4, 96)).not.toEqual(hourly(3, 96));
  });

  it('rises in a storm and falls back to its baseflow', () => {
    const levels = hourly(3, 24 * 10);
    expect(levels[0]).toBeCloseTo(0.6, 6);
    expect(Math.min(...levels)).toBeGreaterThanOrEqual(0.6);
    // The first storm comes within hours; the river rises steadily to its first peak...
    const rising = levels.findIndex((level) => level > 0.61);
    expect(rising).toBeGreaterThan(0);
    expect(rising).toBeLessThan(6);
    let peak = rising;
    while (levels[peak + 1]! >= levels[peak]!) peak++;
    expect(levels[peak]! - 0.6).toBeGreaterThan(0.3);
    // ...falls from it, and is back at its baseflow between storms.
    expect(levels[peak + 2]!).toBeLessThan(levels[peak + 1]!);
    expect(levels.filter((level) => level < 0.61).length).toBeGreaterThan(24);
  });
});

describe('maxbotix twin', () => {
  it('prints R, four digits and CR at the distance down to the water, with a few mm of noise', () => {
    const clock = new VirtualClock(start);
    const written: Buffer[] = [];
    const options = z.object(maxbotixSimulator.optionsShape).parse({ seed: 2, mountHeightMm: 3000 });
    const device = maxbotixSimulator.create(options, { write: (data) => written.push(data) > 0 }, clock) as PeriodicDevice<SonarValues>;
    device.start();
    clock.advance(150 * 20);
    device.stop();
    expect(written).toHaveLength(20);
    for (const bytes of written) expect(bytes.toString('latin1')).toMatch(/^R\d{4}\r$/);
    const ranges = written.map((bytes) => Number(bytes.toString('latin1').slice(1, 5)));
    for (const range of ranges) expect(Math.abs(range - (3000 - 600))).toBeLessThan(12);
    expect(new Set(ranges).size).toBeGreaterThan(1);
  });

  it('turns bad-checksum into a character that cannot stand in the record', () => {
    const clock = new VirtualClock(start);
    const options = z.object(maxbotixSimulator.optionsShape).parse({ seed: 2 });
    const device = maxbotixSimulator.create(options, { write: () => true }, clock) as PeriodicDevice<SonarValues>;
    device.faults.inject('bad-checksum', 200);
    for (let index = 0; index < 200; index++) {
      const emission = device.emitAt(start + index * 150)!;
      const text = emission.bytes.toString('latin1');
      expect(emission.fault).toBe('bad-checksum');
      expect(text).toHaveLength(6);
      expect(text.endsWith('\r')).toBe(true);
      expect(text).not.toMatch(/^R\d{4}\r$/);
      expect(text.indexOf('\r')).toBe(5);
    }
  });
});
