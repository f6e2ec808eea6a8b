import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { driverRegistry } from '../../src/drivers/registry.js';
import { simulatedCatalog } from '../support/simulated-node.js';

// In the board form a problem is located where the technician wrote it: the device, one of its
// sensors, or the board's link keys, each by its full path.

const header = 'node: { id: n, site: s }\nbroker: { url: "mqtt://127.0.0.1:1883" }\nboards:\n';

/** Problems as `path: message` of a config holding these boards (YAML flow mappings, one a line). */
function problemsOf(...boards: string[]): string[] {
  try {
    // The twins are registered, so that a simulated board is judged as the fieldnode command judges it.
    parseConfig(`${header}${boards.map((board) => `  - ${board}\n`).join('')}`, 'test.yaml', simulatedCatalog);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  throw new Error('config was accepted');
}

const drivers = Object.keys(driverRegistry).map((type) => JSON.stringify(type)).join(', ');

const cases = {
  unknownSensorOption: '{ id: air, port: /dev/ttyUSB0, device: { type: sds011 }, sensors: [{ name: pm2_5, field: pm2_5 }, { name: pm10, fieldd: pm10 }] }',
  unknownDeviceOption: '{ id: air, port: /dev/ttyUSB0, device: { type: sds011, x: 1 }, sensors: [{ name: pm2_5, field: pm2_5 }] }',
  unknownDeviceType: '{ id: air, port: /dev/ttyUSB0, device: { type: sds01 }, sensors: [{ name: pm2_5, field: pm2_5 }] }',
  pinDeviceWithoutPins: '{ id: tank, device: { type: analog }, sensors: [{ name: level, pin: A0 }] }',
  serialDeviceOnGpio: '{ id: air, port: /dev/ttyUSB0, gpio: { chip: auto }, device: { type: sds011 }, sensors: [{ name: pm2_5, field: pm2_5 }] }',
  twinOfAnotherDevice: '{ id: air, simulator: { device: pms5003 }, device: { type: sds011 }, sensors: [{ name: pm2_5, field: pm2_5 }] }',
  duplicateSensorName: '{ id: air, port: /dev/ttyUSB0, device: { type: sds011 }, sensors: [{ name: pm2_5, field: pm2_5 }, { name: pm2_5, field: pm10 }] }',
};

/** The problems of each case, at boards[0]. */
const expected: Record<keyof typeof cases, string | string[]> = {
  // A misspelt key is also a missing one; the suggestion names only keys the sensor lacks.
  unknownSensorOption: ['boards[0].sensors[1].field: required: one of "pm2_5", "pm10"', 'boards[0].sensors[1].fieldd: unknown key; did you mean "field"?'],
  unknownDeviceOption: 'boards[0].device.x: unknown key',
  unknownDeviceType: `boards[0].device.type: expected one of ${drivers}; got string "sds01"; did you mean "sds011"?`,
  pinDeviceWithoutPins: 'boards[0].port: give port (an Arduino running StandardFirmata), simulator, or gpio (the Pi header)',
  serialDeviceOnGpio: "boards[0].gpio: sds011 talks over a serial port: gpio is for the Pi's own files and header",
  twinOfAnotherDevice: 'boards[0].simulator.device: pms5003 is not read by sds011; it is read by pms5003',
  duplicateSensorName: 'boards[0].sensors[1].name: duplicate sensor "pm2_5" on this board (also boards[0].sensors[0])',
};

/** A case's problems as they read when its board is boards[index]. */
const expectedAt = (name: keyof typeof cases, index: number) => [expected[name]].flat().map((problem) => problem.replaceAll('boards[0]', `boards[${index}]`));

describe('problems of a config in the board form', () => {
  it.each(Object.keys(cases) as (keyof typeof cases)[])('%s: at its path', (name) => {
    expect(problemsOf(cases[name])).toEqual(expectedAt(name, 0));
  });

  it('lists every one of them at once, each at its own board', () => {
    const names = Object.keys(cases) as (keyof typeof cases)[];
    // One port per board: a shared port would be a further problem.
    const boards = names.map((name, index) => cases[name].replace('id: air', `id: b${index}`).replace('id: tank', `id: b${index}`).replace('/dev/ttyUSB0', `/dev/ttyUSB${index}`));
    const problems = problemsOf(...boards);
    const all = names.flatMap((name, index) => expectedAt(name, index));
    expect(problems).toEqual(expect.arrayContaining(all));
    expect(problems).toHaveLength(all.length);
  });
});
