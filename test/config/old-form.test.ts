import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { OLD_PI_AND_SERIAL } from '../cli/old-samples.js';

/**
 * A config written before boards held their device: sensors at the top naming their board and
 * driver, a Pi board with `transport: pi` whose sensors now need one board per device, and a
 * serial board with its `baud` beside the port.
 */
const OLD_FORM_CONFIG = OLD_PI_AND_SERIAL;

/** What moved, path by path: the sensors to their new places, the board keys to the device or nowhere. */
const OLD_FORM_PROBLEMS = [
  'sensors: sensors now sit inside their board: each board has one device (type and device-wide options) and its sensors (name, unit and the options of that reading); run `fieldnode migrate FILE` to print this file in the new form',
  'sensors[0]: now boards[0].sensors[0] (board "pi"), its driver "ds18b20" now boards[0].device',
  'sensors[1]: now boards[1].sensors[0] (board "pi-gateway-health"), its driver "gateway-health" now boards[1].device',
  'sensors[2]: now boards[2].sensors[0] (board "air"), its driver "sds011" now boards[2].device',
  "boards[0].transport: no longer used: the device's driver says which link it needs (the Pi's files when no port is given, its header through gpio, Firmata through port)",
  // The Pi board became two, so the serial board is boards[2] in the new form.
  'boards[1].baud: moved into the device: boards[2].device.baud',
];

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw, 'old.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  throw new Error('config was accepted');
}

describe('a config in the old form', () => {
  it('is refused with what moved, each with its path, and nothing else', () => {
    // Exactly these: no noise about the device every board now lacks, or sensors it would hold.
    expect(problemsOf(parse(OLD_FORM_CONFIG))).toEqual(OLD_FORM_PROBLEMS);
  });

  it('is recognised by a transport alone, without top-level sensors', () => {
    const problems = problemsOf({
      node: { id: 'n', site: 's' },
      broker: { url: 'mqtt://127.0.0.1:1883' },
      boards: [{ id: 'uno', transport: 'firmata', port: '/dev/ttyACM0', device: { type: 'analog' }, sensors: [{ name: 'a', pin: 'A0' }] }],
    });
    expect(problems).toEqual([expect.stringMatching(/^boards\[0\]\.transport: no longer used: /)]);
  });

  it('says a baud of a board that only host devices read goes nowhere, and one split into serial devices goes to each', () => {
    const problems = problemsOf({
      node: { id: 'n', site: 's' },
      broker: { url: 'mqtt://127.0.0.1:1883' },
      boards: [
        { id: 'pi', transport: 'pi', baud: 9600 },
        { id: 'uno', transport: 'firmata', port: '/dev/ttyACM0', baud: 57600 },
      ],
      sensors: [
        { name: 'cpu', board: 'pi', driver: { type: 'gateway-health', field: 'cpu_temperature' } },
        { name: 'level', board: 'uno', driver: { type: 'analog', pin: 'A0' } },
        { name: 'door', board: 'uno', driver: { type: 'digital', pin: 2 } },
      ],
    });
    expect(problems).toContain('boards[0].baud: no longer used: the devices read from this board have no serial port');
    expect(problems).toContain('boards[1].baud: moved into the device: boards[1].device.baud and boards[2].device.baud');
  });
});
