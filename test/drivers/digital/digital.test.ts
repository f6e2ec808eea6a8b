import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { digitalDriver } from '../../../src/drivers/digital/index.js';
import type { DigitalSensorOptions } from '../../../src/drivers/digital/schema.js';
import { pinsHarness, type HarnessSensor } from '../../support/driver-harness.js';

const door: HarnessSensor<DigitalSensorOptions> = ['door_open', undefined, { pin: 7, pullup: true, activeLow: true, debounceMs: 20 }];
const motion: HarnessSensor<DigitalSensorOptions> = ['motion', undefined, { pin: 8, pullup: false, activeLow: false, debounceMs: 0 }];

/** The readings as [name, value, ms since the first], which is what debounce is about. */
function timeline(readings: { name: string; value: unknown; time: number }[]) {
  return readings.map((reading) => [reading.name, reading.value, reading.time - readings[0]!.time]);
}

describe('digital driver', () => {
  it('reports the state when the board is ready, then a change once it has held for debounceMs', () => {
    const under = pinsHarness(digitalDriver, {}, [door]);
    under.instance.onOpen?.();
    expect(under.pins.modes.get(7)).toBe(11);
    under.pins.level(7, 1);
    // A contact bouncing as it closes: only the level held for 20 ms counts.
    under.clock.advance(100);
    for (const level of [0, 1, 0, 1, 0] as const) {
      under.pins.level(7, level);
      under.clock.advance(5);
    }
    under.clock.advance(14);
    expect(timeline(under.readings)).toEqual([['door_open', false, 0]]);
    under.clock.advance(1);
    expect(timeline(under.readings)).toEqual([
      ['door_open', false, 0],
      ['door_open', true, 140],
    ]);
    // A glitch shorter than the debounce time is no change at all.
    under.pins.level(7, 1);
    under.clock.advance(10);
    under.pins.level(7, 0);
    under.clock.advance(100);
    expect(under.readings).toHaveLength(2);
    expect(under.problems.snapshot()).toEqual({});
  });

  it('reports at once without debounce, with the polarity of each input', () => {
    const under = pinsHarness(digitalDriver, {}, [door, motion]);
    under.instance.onOpen?.();
    expect(under.pins.modes.get(8)).toBe(0);
    under.pins.level(7, 0);
    under.pins.level(8, 0);
    under.pins.level(8, 1);
    under.pins.level(8, 0);
    expect(under.readings.map((reading) => [reading.name, reading.value])).toEqual([
      ['door_open', true],
      ['motion', false],
      ['motion', true],
      ['motion', false],
    ]);
  });

  it('counts a pin the board does not have and runs the others; counts no-pins when the board gave none', () => {
    const under = pinsHarness(digitalDriver, {}, [door, motion]);
    under.pins.missing.add(7);
    under.instance.onOpen?.();
    under.pins.level(8, 1);
    expect(under.readings.map((reading) => reading.name)).toEqual(['motion']);
    expect(under.problems.snapshot()).toEqual({ 'bad-pin': 1 });
    under.instance.onClose?.();
    under.ready = false;
    under.instance.onOpen?.();
    expect(under.problems.snapshot()).toEqual({ 'bad-pin': 1, 'no-pins': 1 });
  });

  it('stops at close: a pending debounce and the old listeners report nothing after it', () => {
    const under = pinsHarness(digitalDriver, {}, [door]);
    under.instance.onOpen?.();
    under.pins.level(7, 1);
    under.pins.level(7, 0);
    under.instance.onClose?.();
    expect(under.clock.pendingTimers()).toBe(0);
    under.clock.advance(100);
    under.pins.level(7, 1);
    expect(under.readings).toHaveLength(1);
  });

  it('takes each input as a sensor, and refuses two pull-ups for one pin at the second sensor', () => {
    expect(z.strictObject(digitalDriver.sensorShape).parse({ pin: 17 })).toEqual({ pin: 17, pullup: true, activeLow: true, debounceMs: 20 });
    const sensor = (index: number, pullup: boolean, pin = 17) => ({ name: `s${index}`, unit: undefined, path: `boards[1].sensors[${index}]`, options: { pin, pullup, activeLow: true, debounceMs: 20 } });
    const device = { boardId: 'door', path: 'boards[1]', options: {}, sensors: [sensor(0, true), sensor(1, true), sensor(2, false), sensor(3, false, 27)] };
    expect(digitalDriver.checkDevice?.(device)).toEqual([{ path: 'boards[1].sensors[2].pullup', message: 'pin 17 is also read by boards[1].sensors[0] with pullup true: one pin has one mode' }]);
  });
});
