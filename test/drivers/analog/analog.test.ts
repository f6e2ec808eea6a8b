import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analogDriver } from '../../../src/drivers/analog/index.js';
import { pinsHarness } from '../../support/driver-harness.js';

describe('analog driver', () => {
  it('reads each input at the device interval and scales it exactly', () => {
    const under = pinsHarness(analogDriver, { intervalMs: 500 }, [
      ['raw', undefined, { pin: 'A0', scale: 1, offset: 0 }],
      ['soil', '%', { pin: 'A1', scale: 0.1, offset: -2 }],
    ]);
    under.instance.onOpen?.();
    expect(under.pins.components.map((component) => [component.kind, component.options])).toEqual([
      ['analogInput', { pin: 'A0', freq: 500 }],
      ['analogInput', { pin: 'A1', freq: 500 }],
    ]);
    under.pins.components[0]!.report({ value: 512 });
    under.pins.components[1]!.report({ value: 523 });
    expect(under.readings.map((reading) => [reading.name, reading.unit, reading.value])).toEqual([
      ['raw', undefined, 512],
      ['soil', '%', 50.3],
    ]);
  });

  it('counts a pin the board refuses as bad-pin, and runs the other inputs', () => {
    const under = pinsHarness(analogDriver, { intervalMs: 500 }, [
      ['a', undefined, { pin: 'A0', scale: 1, offset: 0 }],
      ['b', undefined, { pin: 'A1', scale: 1, offset: 0 }],
    ]);
    const make = under.pins.analogInput.bind(under.pins);
    under.pins.analogInput = (options) => {
      if (options.pin === 'A0') throw new Error('Pin A0 is not an analog pin on this board');
      return make(options);
    };
    under.instance.onOpen?.();
    under.pins.components[0]!.report({ value: 7 });
    expect(under.readings.map((reading) => reading.name)).toEqual(['b']);
    expect(under.problems.snapshot()).toEqual({ 'bad-pin': 1 });
  });

  it('takes the interval once for the device, pin and scaling per sensor', () => {
    expect(z.strictObject(analogDriver.deviceShape).parse({})).toEqual({ intervalMs: 1000 });
    expect(z.strictObject(analogDriver.sensorShape).parse({ pin: 'A3' })).toEqual({ pin: 'A3', scale: 1, offset: 0 });
  });
});
