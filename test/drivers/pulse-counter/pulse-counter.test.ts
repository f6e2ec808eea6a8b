import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pulseCounterDriver } from '../../../src/drivers/pulse-counter/index.js';
import type { PulseCounterSensorOptions } from '../../../src/drivers/pulse-counter/schema.js';
import { pinsHarness, type HarnessSensor } from '../../support/driver-harness.js';

const INTERVAL_MS = 60_000;

/** A 0.2 mm tipping bucket on pin 2, reported three ways. */
function rainGauge(debounceMs = 10): HarnessSensor<PulseCounterSensorOptions>[] {
  const gauge = { pin: 2, scale: 0.2, debounceMs, edge: 'falling' } as const;
  return [
    ['rain_total', 'mm', { ...gauge, field: 'total' }],
    ['rain', 'mm', { ...gauge, field: 'count' }],
    ['rain_rate', 'mm/h', { ...gauge, field: 'rate' }],
  ];
}

/** The last report, by sensor name. */
function lastReport(readings: { name: string; value: unknown }[]) {
  return Object.fromEntries(readings.slice(-3).map((reading) => [reading.name, reading.value]));
}

describe('pulse-counter driver', () => {
  it('counts falling edges and reports total, count and rate at each interval', () => {
    const under = pinsHarness(pulseCounterDriver, { intervalMs: INTERVAL_MS }, rainGauge());
    under.instance.onOpen?.();
    expect(under.pins.modes.get(2)).toBe(11);
    under.pins.level(2, 1);
    const tip = () => {
      under.pins.level(2, 0);
      under.clock.advance(50);
      under.pins.level(2, 1);
      under.clock.advance(950);
    };
    for (let index = 0; index < 3; index++) tip();
    under.clock.advance(INTERVAL_MS - 3000);
    expect(lastReport(under.readings)).toEqual({ rain_total: 0.6, rain: 0.6, rain_rate: 36 });
    tip();
    under.clock.advance(INTERVAL_MS - 1000);
    expect(lastReport(under.readings)).toEqual({ rain_total: 0.8, rain: 0.2, rain_rate: 12 });
    under.clock.advance(INTERVAL_MS);
    expect(lastReport(under.readings)).toEqual({ rain_total: 0.8, rain: 0, rain_rate: 0 });
    expect(under.readings).toHaveLength(9);
    expect(under.problems.snapshot()).toEqual({});
  });

  it('counts contact bounce as bounce, not as pulses', () => {
    const under = pinsHarness(pulseCounterDriver, { intervalMs: INTERVAL_MS }, rainGauge(10));
    under.instance.onOpen?.();
    under.pins.level(2, 1);
    // One tip whose reed switch bounces three times within 6 ms, then a real tip 1 s later.
    for (const level of [0, 1, 0, 1, 0, 1] as const) {
      under.pins.level(2, level);
      under.clock.advance(1);
    }
    under.clock.advance(1000);
    under.pins.level(2, 0);
    under.pins.level(2, 1);
    under.clock.advance(INTERVAL_MS - 1006);
    expect(lastReport(under.readings)).toMatchObject({ rain_total: 0.4 });
    expect(under.problems.snapshot()).toEqual({ bounce: 2 });
  });

  it('reports the last partial interval at close, keeps the total across a replug, and stops its timer', () => {
    const under = pinsHarness(pulseCounterDriver, { intervalMs: INTERVAL_MS }, rainGauge());
    under.instance.onOpen?.();
    under.pins.level(2, 1);
    under.pins.level(2, 0);
    under.clock.advance(20_000);
    under.instance.onClose?.();
    expect(lastReport(under.readings)).toMatchObject({ rain_total: 0.2, rain: 0.2 });
    expect(under.clock.pendingTimers()).toBe(0);
    under.pins.level(2, 1);
    under.pins.level(2, 0);
    under.instance.onOpen?.();
    // The board reports the pin's level afresh: that is no edge.
    under.pins.level(2, 0);
    under.pins.level(2, 1);
    under.pins.level(2, 0);
    under.clock.advance(INTERVAL_MS);
    expect(lastReport(under.readings)).toEqual({ rain_total: 0.4, rain: 0.2, rain_rate: 12 });
    expect(under.readings).toHaveLength(6);
  });

  it('counts no-pins without a ready board and bad-pin for a pin the board lacks, and reports nothing for them', () => {
    const under = pinsHarness(pulseCounterDriver, { intervalMs: INTERVAL_MS }, [...rainGauge(), ['cars', 'count', { pin: 3, scale: 1, debounceMs: 0, edge: 'rising', field: 'count' }]]);
    under.pins.missing.add(2);
    under.instance.onOpen?.();
    under.pins.level(3, 0);
    under.pins.level(3, 1);
    under.clock.advance(INTERVAL_MS);
    expect(under.readings.map((reading) => [reading.name, reading.value])).toEqual([['cars', 1]]);
    expect(under.problems.snapshot()).toEqual({ 'bad-pin': 1 });
    under.instance.onClose?.();
    under.ready = false;
    under.instance.onOpen?.();
    expect(under.problems.snapshot()).toEqual({ 'bad-pin': 1, 'no-pins': 1 });
    expect(under.clock.pendingTimers()).toBe(0);
  });

  it('takes the interval once for the device, and refuses sensors of one pin that count differently', () => {
    expect(z.strictObject(pulseCounterDriver.deviceShape).parse({})).toEqual({ intervalMs: 60_000 });
    expect(z.strictObject(pulseCounterDriver.sensorShape).safeParse({ pin: 2, intervalMs: 1000 }).success).toBe(false);
    const bindings = rainGauge().map(([name, unit, options], index) => ({ name, unit, options, path: `boards[0].sensors[${index}]` }));
    bindings[2] = { ...bindings[2]!, options: { ...bindings[2]!.options, debounceMs: 50, edge: 'rising' } };
    expect(pulseCounterDriver.checkDevice?.({ boardId: 'rain', path: 'boards[0]', options: { intervalMs: INTERVAL_MS }, sensors: bindings })).toEqual([
      { path: 'boards[0].sensors[2].edge', message: 'sensors of pin 2 count the same pulses: boards[0].sensors[0] has edge falling' },
      { path: 'boards[0].sensors[2].debounceMs', message: 'sensors of pin 2 count the same pulses: boards[0].sensors[0] has debounceMs 10' },
    ]);
  });
});
