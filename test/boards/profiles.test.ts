import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBoardProfiles, loadBoardProfile, normaliseUsbId, parseBoardProfile, profileForUsb } from '../../src/boards/load.js';
import { loadConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { simulatedCatalog } from '../support/simulated-node.js';

const shippedIds = ['arduino-mega', 'arduino-nano', 'arduino-uno', 'raspberry-pi-3', 'raspberry-pi-4', 'raspberry-pi-5', 'raspberry-pi-zero-2w'];

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  throw new Error('the profile was accepted');
}

/** A small valid Arduino profile, for the tests that break it on purpose. */
const tinyArduino = `
id: tiny
name: Tiny
kind: arduino
mcu: ATmega328P
logicVolts: 5
analog: { inputs: 1, resolutionBits: 10, referenceVolts: 5 }
serial: { defaultBaud: 9600, resetsOnOpen: true }
usb:
  - { vendorId: "2341", productId: "0043", description: Uno R3 }
sketches:
  - { name: lines, protocol: lines, baud: 9600, library: Some/Example, description: a sketch }
samples:
  - { file: sample.yaml, description: a config }
sources: [https://docs.arduino.cc/hardware/uno-rev3]
pins:
  - { number: 13, capabilities: [digital] }
  - { number: 14, capabilities: [digital, analog], analog: A0 }
`;

describe('board profiles', () => {
  const profiles = listBoardProfiles();
  const byId = new Map(profiles.map((profile) => [profile.id, profile]));

  it('loads every shipped profile', () => {
    expect(profiles.map((profile) => profile.id)).toEqual(shippedIds);
    for (const id of shippedIds) expect(loadBoardProfile(id).id).toBe(id);
  });

  it('records the facts each board is known by', () => {
    expect(['arduino-uno', 'arduino-nano', 'arduino-mega'].map((id) => byId.get(id)?.analog.inputs)).toEqual([6, 8, 16]);
    for (const id of ['arduino-uno', 'arduino-nano', 'arduino-mega']) {
      const profile = byId.get(id)!;
      expect(profile).toMatchObject({ kind: 'arduino', logicVolts: 5, analog: { resolutionBits: 10, referenceVolts: 5 }, serial: { defaultBaud: 9600 } });
      expect(profile.sketches.map((sketch) => [sketch.protocol, sketch.baud])).toEqual(expect.arrayContaining([['lines', 9600], ['firmata', 57600]]));
    }
    // Nano A6/A7 are analog only.
    expect(byId.get('arduino-nano')!.pins.filter((pin) => !pin.capabilities.includes('digital')).map((pin) => pin.analog)).toEqual(['A6', 'A7']);

    for (const id of shippedIds.filter((name) => name.startsWith('raspberry-pi'))) {
      const profile = byId.get(id)!;
      expect(profile).toMatchObject({ kind: 'raspberry-pi', logicVolts: 3.3, usb: [], analog: { inputs: 0 } });
      expect(profile.analog.note).toMatch(/no ADC/);
    }
    expect(byId.get('raspberry-pi-4')!.gpioChips).toMatchObject([{ device: '/dev/gpiochip0', label: 'pinctrl-bcm2711', lines: 58 }]);
    expect(byId.get('raspberry-pi-3')!.gpioChips).toMatchObject([{ device: '/dev/gpiochip0', lines: 54 }]);
    expect(byId.get('raspberry-pi-zero-2w')!.gpioChips).toMatchObject([{ device: '/dev/gpiochip0', lines: 54 }]);
    // Pi 5: the RP1 header chip moved from gpiochip4 to gpiochip0 with kernel 6.6.45.
    expect(byId.get('raspberry-pi-5')!.gpioChips.map((chip) => [chip.device, chip.label])).toEqual([
      ['/dev/gpiochip4', 'pinctrl-rp1'],
      ['/dev/gpiochip0', 'pinctrl-rp1'],
    ]);
  });

  it('gives every Raspberry Pi the same 40-pin header map', () => {
    const headerOf = (id: string) => byId.get(id)!.pins.map((pin) => [pin.number, pin.header, pin.capabilities.filter((capability) => capability !== 'uart-rx' && capability !== 'uart-tx')]);
    const reference = headerOf('raspberry-pi-4');
    expect(reference).toHaveLength(28);
    for (const id of ['raspberry-pi-3', 'raspberry-pi-5', 'raspberry-pi-zero-2w']) expect(headerOf(id)).toEqual(reference);
  });

  it('lists every mistake of a profile at once, each with its path', () => {
    const broken = `
id: Tiny Board
name: Tiny
kind: arduino
soc: BCM2711
logicVolts: -5
colour: blue
analog: { inputs: 2, resolutionBits: 10 }
serial: { defaultBaud: 115200, resetsOnOpen: true }
usb:
  - { vendorId: "0x2341", productId: "43", description: Uno R3 }
sketches:
  - { name: lines, protocol: morse, baud: 9600, description: a sketch }
samples: []
sources: [not a url]
pins:
  - { number: 13, capabilities: [digital, laser] }
  - { number: 13, capabilities: [digital, analog] }
  - { number: 0, capabilities: [digital, uart-rx] }
`;
    expect(problemsOf(() => parseBoardProfile(broken, 'tiny/board.yaml'))).toEqual(
      expect.arrayContaining([
        'id: lower-case words joined by "-", the same as the folder name',
        'colour: unknown key',
        'logicVolts: Too small: expected number to be >0',
        'mcu: required for an Arduino',
        'soc: an Arduino has an mcu, not a soc',
        'analog.referenceVolts: required when the board has analog inputs',
        'usb[0].vendorId: four lower-case hex digits, e.g. "2341"',
        'usb[0].productId: four lower-case hex digits, e.g. "2341"',
        'sketches[0].protocol: expected one of "lines", "firmata"; got string "morse"',
        'sketches[0].path: give exactly one of path (our sketch) or library (a library example)',
        'samples: at least one sample config',
        'sources[0]: Invalid URL',
        'pins[0].capabilities[1]: expected one of "digital", "pwm", "analog", "interrupt", "i2c-sda", "i2c-scl", "spi-mosi", "spi-miso", "spi-sck", "spi-cs", "uart-rx", "uart-tx"; got string "laser"',
        'pins[1].number: pin 13 is also pins[0]',
        'pins[1].analog: required with the analog capability (A0, A1...)',
        'pins[2].bus: required with an i2c, spi or uart capability',
        'analog.inputs: 2 analog inputs, but 0 pins have the analog capability',
        'serial.defaultBaud: no sketch runs at 115200 baud (they use 9600)',
      ]),
    );
  });

  it('reports YAML syntax errors with the schema problems', () => {
    const problems = problemsOf(() => parseBoardProfile(`${tinyArduino}\nname: again\n`, 'tiny/board.yaml'));
    expect(problems.some((problem) => /^line \d+, column \d+: .*unique/i.test(problem))).toBe(true);
  });

  it('checks the folder: id, sketch and sample files; one bad profile does not hide another', () => {
    const root = mkdtempSync(join(tmpdir(), 'fieldnode-boards-'));
    mkdirSync(join(root, 'tiny'));
    writeFileSync(join(root, 'tiny', 'board.yaml'), tinyArduino);
    writeFileSync(join(root, 'tiny', 'sample.yaml'), '# a config\n');
    expect(listBoardProfiles(root).map((profile) => profile.id)).toEqual(['tiny']);

    mkdirSync(join(root, 'other'));
    writeFileSync(join(root, 'other', 'board.yaml'), tinyArduino.replace('file: sample.yaml', 'file: missing.yaml').replace('library: Some/Example', 'path: sketches/none.ino'));
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'board.yaml'), tinyArduino.replace('id: tiny', 'id: broken').replace('logicVolts: 5', 'logicVolts: five'));
    writeFileSync(join(root, 'broken', 'sample.yaml'), '# a config\n');
    expect(problemsOf(() => listBoardProfiles(root))).toEqual([
      'broken/board.yaml logicVolts: expected number, got string "five"',
      'other/board.yaml id: "tiny" does not match its folder "other"',
      'other/board.yaml sketches[0].path: no file sketches/none.ino in other/',
      'other/board.yaml samples[0].file: no file missing.yaml in other/',
    ]);
  });

  it('names a port by its USB ids, returning every board that shares a generic chip', () => {
    expect(profileForUsb('2341', '0043', profiles).map((profile) => profile.id)).toEqual(['arduino-uno']);
    expect(profileForUsb('0x2341', 0x43, profiles).map((profile) => profile.id)).toEqual(['arduino-uno']);
    expect(profileForUsb('2341', '0042', profiles).map((profile) => profile.id)).toEqual(['arduino-mega']);
    expect(profileForUsb('1A86', '7523', profiles).map((profile) => profile.id)).toEqual(['arduino-mega', 'arduino-nano', 'arduino-uno']);
    expect(profileForUsb('0403', '6001', profiles).map((profile) => profile.id)).toEqual(['arduino-nano']);
    expect(profileForUsb('10c4', 'ea60', profiles)).toEqual([]);
    expect(profileForUsb('not hex', '0043', profiles)).toEqual([]);
    // The default reads the shipped profiles.
    expect(profileForUsb('2341', '0043').map((profile) => profile.id)).toEqual(['arduino-uno']);
    expect([normaliseUsbId(9025), normaliseUsbId('0X2341'), normaliseUsbId(' 43 '), normaliseUsbId(0x1_0000)]).toEqual(['2341', '2341', '0043', undefined]);
    // Generic chips are marked as such, so a caller knows the match is a guess.
    expect(byId.get('arduino-uno')!.usb.find((usb) => usb.vendorId === '1a86')?.shared).toBe(true);
    expect(byId.get('arduino-uno')!.usb.find((usb) => usb.productId === '0043' && usb.vendorId === '2341')?.shared).toBe(false);
  });

  it('ships sample configs that validate against the config schema', () => {
    const samples = profiles.flatMap((profile) => profile.samples.map((sample) => join(profile.directory, sample.file)));
    expect(samples.length).toBeGreaterThanOrEqual(shippedIds.length);
    for (const id of shippedIds) expect(samples).toContain(join(byId.get(id)!.directory, 'sample.yaml'));
    // Some samples run on twins: they are checked as the fieldnode command checks them.
    for (const file of samples) expect(() => loadConfigFile(file, simulatedCatalog), file).not.toThrow();
  });
});

describe('the Pi profiles and the GPIO code agree', () => {
  it("finds every Pi's header controller by a label the profiles name, and simulates it with the profile's line count", async () => {
    const { HEADER_CHIP_LABELS } = await import('../../src/transports/pi/gpio.js');
    const { PI_GPIO_CONTROLLERS } = await import('../../simulators/pi/gpio-chip.js');
    const models = { 'raspberry-pi-3': 'pi3', 'raspberry-pi-4': 'pi4', 'raspberry-pi-5': 'pi5', 'raspberry-pi-zero-2w': 'zero-2w' } as const;
    for (const [id, model] of Object.entries(models)) {
      const chips = loadBoardProfile(id).gpioChips;
      expect(chips.length, id).toBeGreaterThan(0);
      for (const chip of chips) expect(HEADER_CHIP_LABELS, id).toContain(chip.label);
      expect(chips.map((chip) => [chip.label, chip.lines]), id).toContainEqual([PI_GPIO_CONTROLLERS[model].label, PI_GPIO_CONTROLLERS[model].lineCount]);
    }
  });
});
