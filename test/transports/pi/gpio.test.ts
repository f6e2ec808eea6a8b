import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import { CharacterDeviceGpio } from '../../../src/transports/pi/gpio-chardev.js';
import { GpioIoPlugin } from '../../../src/transports/pi/gpio-io-plugin.js';
import { GpioError } from '../../../src/transports/pi/gpio.js';
import { SimulatedGpioChip } from '../../../simulators/pi/gpio-chip.js';
import { describeWithOptionalModule } from '../../support/optional-modules.js';

function setUp(model: 'pi3' | 'pi4' | 'pi5' = 'pi4') {
  const clock = new VirtualClock();
  const chip = new SimulatedGpioChip(clock, 1, model, [
    { line: 17, device: 'pir' },
    { line: 22, device: 'button' },
    { line: 27, device: 'door' },
  ]);
  const errors: string[] = [];
  const plugin = new GpioIoPlugin(chip.open('auto'), { clock, pollIntervalMs: 1, onError: (error) => errors.push(error.message) });
  return { clock, chip, plugin, errors };
}

describe('the GPIO IO plugin on a simulated header', () => {
  it('tells each input its level at once, then every change it samples', () => {
    const { clock, chip, plugin } = setUp();
    const pir: number[] = [];
    const door: number[] = [];
    plugin.pinMode(17, plugin.MODES.INPUT).digitalRead(17, (value) => pir.push(value));
    plugin.pinMode(27, plugin.MODES.PULLUP).digitalRead(27, (value) => door.push(value));
    expect(pir).toEqual([0]);
    // A shut door holds its reed contact closed to ground.
    expect(door).toEqual([0]);
    chip.set(17, true);
    clock.advance(5);
    chip.set(17, false);
    chip.set(27, true);
    clock.advance(50);
    expect(pir).toEqual([0, 1, 0]);
    // The open contact leaves the pull-up to pull the pin high, after some chatter.
    expect(door.at(-1)).toBe(1);
    expect(door.length).toBeGreaterThan(2);
    expect(plugin.pins[27]).toMatchObject({ value: 1, report: 1, mode: plugin.MODES.PULLUP });
  });

  it('reads an open contact by its bias: a pull-up reads high, a pull-down low', () => {
    const { clock, plugin } = setUp();
    const levels: number[] = [];
    plugin.pinMode(22, plugin.MODES.PULLUP).digitalRead(22, (value) => levels.push(value));
    expect(levels).toEqual([1]);
    // The Arduino way of turning the pull-up off (writing LOW to an input): the open contact floats.
    plugin.digitalWrite(22, 0);
    clock.advance(10);
    expect(levels.every((level) => level === 0 || level === 1)).toBe(true);
  });

  it('tells the handlers when a new bias moves an open contact, and survives a handler that throws', () => {
    const { clock, chip, plugin, errors } = setUp();
    const levels: number[] = [];
    plugin.pinMode(22, plugin.MODES.PULLUP).digitalRead(22, (value) => levels.push(value));
    plugin.digitalRead(22, () => {
      throw new Error('a broken handler');
    });
    expect(levels).toEqual([1]);
    expect(errors).toEqual(['a broken handler']);
    // johnny-five's Button: INPUT (no bias: the open contact floats), then HIGH for the pull-up.
    plugin.pinMode(22, plugin.MODES.INPUT);
    plugin.digitalWrite(22, 1);
    expect(levels.at(-1)).toBe(1);
    chip.set(22, true);
    clock.advance(50);
    expect(levels.at(-1)).toBe(0);
  });

  it('refuses what the header cannot do, with the reason', () => {
    const { plugin } = setUp();
    expect(() => plugin.pinMode(17, plugin.MODES.OUTPUT)).toThrow(/reads the Pi's header pins as digital inputs only/);
    expect(() => plugin.analogRead(0)).toThrow(/the Pi has no analog inputs/);
    expect(() => plugin.pinMode(40, plugin.MODES.INPUT)).toThrow(/GPIO40 is not on the header: use BCM numbers 0 to 27/);
    expect(plugin.normalize('GPIO17')).toBe(17);
  });

  it('reports a line another program holds, and goes on with the others', () => {
    const { chip, plugin, errors } = setUp();
    chip.requestInput(22, 'pull-up', 'someone-else');
    const levels: number[] = [];
    plugin.pinMode(22, plugin.MODES.PULLUP).digitalRead(22, (value) => levels.push(value));
    plugin.digitalRead(17, (value) => levels.push(value));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error).toMatch(/line 22: the line is in use by another program/);
    expect(levels).toEqual([0]);
  });

  it("finds the header's controller on a Pi 3, 4 and 5 by its label", () => {
    for (const [model, label] of [['pi3', 'pinctrl-bcm2835'], ['pi4', 'pinctrl-bcm2711'], ['pi5', 'pinctrl-rp1']] as const) {
      const { plugin } = setUp(model);
      expect(plugin.name).toBe(`Raspberry Pi GPIO on /dev/gpiochip0 (${label})`);
      expect(plugin.pins).toHaveLength(28);
    }
  });

  it('stops sampling and releases its lines on close', () => {
    const { clock, chip, plugin } = setUp();
    const levels: number[] = [];
    plugin.digitalRead(17, (value) => levels.push(value));
    plugin.close();
    chip.set(17, true);
    clock.advance(10);
    expect(levels).toEqual([0]);
    expect(() => chip.requestInput(17, 'none', 'next')).not.toThrow();
  });
});

describeWithOptionalModule('node-libgpiod', 'apt install libgpiod-dev, then npm install node-libgpiod', 'the GPIO character device through node-libgpiod', () => {
  it('loads libgpiod and explains a machine without the GPIO chip it was asked for', () => {
    const gpio = new CharacterDeviceGpio();
    let error: unknown;
    try {
      gpio.open('/dev/gpiochip-fieldnode-absent').close();
    } catch (failure) {
      error = failure;
    }
    expect(error).toBeInstanceOf(GpioError);
    expect(error).toMatchObject({ problem: 'no-chip', message: '/dev/gpiochip-fieldnode-absent: no such GPIO chip' });
  });

  it("names the chips there are when none is the header's", () => {
    let error: unknown;
    try {
      new CharacterDeviceGpio().open('pinctrl-nonexistent').close();
    } catch (failure) {
      error = failure;
    }
    expect(error).toMatchObject({ problem: 'no-chip', message: expect.stringMatching(/^no GPIO chip is a chip labelled pinctrl-nonexistent; this machine has /) });
  });
});
