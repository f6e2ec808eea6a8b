import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { thermometerDriver } from '../../../src/drivers/thermometer/index.js';
import { pinsHarness } from '../../support/driver-harness.js';

describe('thermometer driver', () => {
  it('makes one johnny-five Thermometer per sensor at the device interval, and emits its reports in Cel to 0.01', () => {
    const under = pinsHarness(thermometerDriver, { intervalMs: 2000 }, [
      ['air', undefined, { pin: 'A0', controller: 'LM35' }],
      ['ground', 'Cel', { pin: 'A1', controller: 'TMP36' }],
    ]);
    under.instance.onOpen?.();
    expect(under.pins.components.map((component) => [component.kind, component.options])).toEqual([
      ['thermometer', { controller: 'LM35', pin: 'A0', freq: 2000 }],
      ['thermometer', { controller: 'TMP36', pin: 'A1', freq: 2000 }],
    ]);
    under.pins.components[0]!.report({ celsius: 21.4956 });
    under.pins.components[1]!.report({ celsius: Number.NaN });
    expect(under.readings).toEqual([{ name: 'air', unit: 'Cel', value: 21.5, time: under.clock.now() }]);
    expect(under.problems.snapshot()).toEqual({ 'bad-value': 1 });
  });

  it('switches its components off at close and makes new ones at the next open', () => {
    const under = pinsHarness(thermometerDriver, { intervalMs: 1000 }, [['air', 'Cel', { pin: 'A0', controller: 'LM35' }]]);
    under.instance.onOpen?.();
    under.instance.onClose?.();
    const [first] = under.pins.components;
    expect(first!.disabled).toBe(true);
    first!.report({ celsius: 20 });
    expect(under.readings).toEqual([]);
    under.instance.onOpen?.();
    expect(under.pins.components).toHaveLength(2);
    under.pins.components[1]!.report({ celsius: 20 });
    expect(under.readings).toHaveLength(1);
  });

  it('counts no-pins when its board gave none', () => {
    const under = pinsHarness(thermometerDriver, { intervalMs: 1000 }, [['air', 'Cel', { pin: 'A0', controller: 'LM35' }]]);
    under.ready = false;
    under.instance.onOpen?.();
    expect(under.problems.snapshot()).toEqual({ 'no-pins': 1 });
    expect(under.pins.components).toEqual([]);
  });

  it('takes the interval once for the device, the pin and controller per sensor', () => {
    expect(z.strictObject(thermometerDriver.deviceShape).parse({})).toEqual({ intervalMs: 1000 });
    expect(z.strictObject(thermometerDriver.sensorShape).parse({ pin: 'A0' })).toEqual({ pin: 'A0', controller: 'LM35' });
    expect(z.strictObject(thermometerDriver.sensorShape).safeParse({ pin: 'A0', intervalMs: 500 }).success).toBe(false);
  });
});
