/**
 * The sketches' compiled .hex in the emulated board, in virtual time: what they print, that
 * millis() follows the clock, and that the values are the physical models' to the sensor's
 * resolution (the BME280 by its datasheet's fixed-point compensation, run by the sketch).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import { startTwin } from '../../../simulators/api/twin.js';
import { emulatedBoards, type EmulatedBoardId } from '../../../simulators/firmware/boards.js';
import { AvrMachine } from '../../../simulators/firmware/machine.js';
import { loadFirmware, type FirmwareSketchName } from '../../../simulators/firmware/sketches.js';
import { FirmwareTwin } from '../../../simulators/firmware/twin.js';
import type { WorldObservation } from '../../../simulators/firmware/world.js';
import { SimulatedBme280 } from '../../../simulators/pi/bme280.js';
import { configProblems, validateSimulated } from '../../support/simulated-node.js';
import { describeWithFirmware } from '../../support/firmware.js';

const NOON = Date.UTC(2026, 5, 1, 12);
const builtVersion = () => readFileSync('dist/firmware/.build/version', 'utf8').trim();

/** Runs a sketch on a virtual clock for `ms`; returns its lines and the world's observations. */
async function runFor(firmware: FirmwareSketchName, board: EmulatedBoardId, ms: number, seed = 1): Promise<{ lines: string[]; observations: WorldObservation[] }> {
  const clock = new VirtualClock(NOON);
  const twin = await startTwin('firmware', { options: { firmware, board, seed }, clock });
  const observations: WorldObservation[] = [];
  (twin.device as FirmwareTwin).onObservation((observation) => observations.push(observation));
  clock.advance(ms);
  await twin.stop();
  expect(clock.pendingTimers()).toBe(0);
  return { lines: twin.emittedBytes().toString('latin1').split('\r\n').slice(0, -1), observations };
}

function kv(line: string): Record<string, number> {
  return Object.fromEntries(line.split(',').map((pair) => pair.split('=') as [string, string]).map(([key, value]) => [key, Number(value)]));
}

for (const board of ['arduino-uno', 'arduino-nano'] as const) {
  describeWithFirmware('weather-station', board, `weather-station.hex on an emulated ${board}`, () => {
    it('prints its firmware line first, then one line a second of emulated time, carrying the BME280 model to its resolution', async () => {
      const { lines, observations } = await runFor('weather-station', board, 5_100);
      expect(lines[0]).toBe(`# firmware weather-station ${builtVersion()} ${board}`);
      expect(lines[1]).toBe('# fieldnode weather-station sketch, format kv, every 1000 ms');
      const data = lines.slice(2);
      // millis() counts timer 0's overflows: 5.1 s of clock is five 1000 ms intervals.
      expect(data).toHaveLength(5);
      expect(observations).toHaveLength(5);
      data.forEach((line, index) => {
        expect(line).toMatch(/^t=-?\d+\.\d\d,h=\d+\.\d,p=\d+,r=\d+\.\d$/);
        const printed = kv(line);
        const truth = observations[index]!.values;
        // Resolution: 0.01 °C; 1/1024 %RH printed to 0.1; 1/256 Pa printed to 1 Pa.
        expect(Math.abs(printed['t']! - truth['temperature']!)).toBeLessThanOrEqual(0.01 + 1e-9);
        expect(Math.abs(printed['h']! - truth['humidity']!)).toBeLessThanOrEqual(0.1 + 1e-9);
        expect(Math.abs(printed['p']! - truth['pressure']!)).toBeLessThanOrEqual(1);
        expect(printed['r']).toBe(truth['rain']);
      });
    });
  });
}

describeWithFirmware('weather-station', 'arduino-uno', 'the rain gauge on pin 2 (INT0)', () => {
  it('counts each tip of the bucket, 0.2 mm each, and a switch bounce within 50 ms once', () => {
    const { flash } = loadFirmware('weather-station', 'arduino-uno');
    const machine = new AvrMachine(emulatedBoards['arduino-uno'], flash, NOON);
    let text = '';
    machine.onSerialByte((byte) => (text += String.fromCharCode(byte)));
    machine.attachI2c(0x76, new SimulatedBme280({ clock: machine.clock, air: () => ({ celsius: 21.53, pascal: 101_325, relativeHumidity: 55.2 }) }));
    machine.setDigitalInput(2, true);
    const close = (atMs: number, forMs: number) => {
      machine.clock.setTimeout(() => machine.setDigitalInput(2, false), atMs);
      machine.clock.setTimeout(() => machine.setDigitalInput(2, true), atMs + forMs);
    };
    // Three tips between the first and second line, the second bouncing open and shut.
    for (const at of [1200, 1400, 1600]) close(at, 20);
    close(1430, 5);
    machine.runUntil(16_000_000 * 2.1);
    expect(text.trim().split('\r\n').slice(2)).toEqual(['t=21.53,h=55.2,p=101325,r=0.0', 't=21.53,h=55.2,p=101325,r=0.6']);
  });
});

describeWithFirmware('weather-station', 'arduino-uno', 'weather-station.hex with no BME280 on the bus', () => {
  it('hears no acknowledge at 0x76, says so in # lines and prints no data', () => {
    const { flash } = loadFirmware('weather-station', 'arduino-uno');
    const machine = new AvrMachine(emulatedBoards['arduino-uno'], flash, NOON);
    let text = '';
    machine.onSerialByte((byte) => (text += String.fromCharCode(byte)));
    machine.runUntil(16_000_000 * 2.1);
    expect(text.split('\r\n').slice(1, -1)).toEqual(['# BME280 not found', '# fieldnode weather-station sketch, format kv, every 1000 ms', '# BME280 not answering', '# BME280 not answering']);
  });
});

for (const [board, inputs] of [['arduino-nano', 8], ['arduino-uno', 6]] as const) {
  describeWithFirmware('lines-analog', board, `lines-analog.hex on an emulated ${board}`, () => {
    it(`prints its ${inputs} inputs, the LM35 on A0 as 10 mV/°C in 10-bit counts of 5 V`, async () => {
      const { lines, observations } = await runFor('lines-analog', board, 3_050, 4);
      expect(lines[0]).toBe(`# firmware lines-analog ${builtVersion()} ${board}`);
      const data = lines.filter((line) => !line.startsWith('#'));
      expect(data).toHaveLength(3);
      for (const line of data) {
        const counts = kv(line);
        expect(Object.keys(counts)).toEqual(Array.from({ length: inputs }, (_, index) => `a${index}`));
        // The reading a second ago set A0: the world moves at each whole second, the sketch reads just after.
        const volts = observations.filter((observation) => observation.time <= NOON + 3_050).map((observation) => observation.values['a0Volts']!);
        expect(volts.some((value) => Math.abs(counts['a0']! - (value * 1024) / 5) <= 1)).toBe(true);
        for (let index = 1; index < inputs; index++) expect(counts[`a${index}`]).toBe(0);
      }
    });
  });
}

describe('firmware twin config', () => {
  it('is named by its firmware key, device left out', () => {
    const config = validateSimulated({
      node: { id: 'n1', site: 's' },
      broker: { url: 'mqtt://localhost:1883' },
      boards: [{ id: 'station', simulator: { firmware: 'weather-station', board: 'arduino-nano' }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }] }],
    });
    expect(config.boards[0]!.simulator).toEqual({ device: 'firmware', firmware: 'weather-station', board: 'arduino-nano', seed: 1 });
  });

  it('lists the sketches and boards it emulates when given others', () => {
    const problems = configProblems(`
node: { id: n1, site: s }
broker: { url: "mqtt://localhost:1883" }
boards:
  - id: tank
    simulator: { firmware: lines-analog, board: arduino-mega }
    device: { type: lines }
    sensors: [{ name: level, key: a0 }]
  - id: station
    simulator: { firmware: weather-stations }
    device: { type: lines }
    sensors: [{ name: temperature, unit: Cel, key: t }]
`);
    expect(problems).toEqual([
      'boards[0].simulator.board: expected one of "arduino-uno", "arduino-nano"; got string "arduino-mega"',
      'boards[1].simulator.firmware: expected one of "weather-station", "lines-analog"; got string "weather-stations"; did you mean "weather-station"?',
    ]);
  });

  it('says what to do when the .hex is not there', async () => {
    await expect(startTwin('firmware', { options: { firmware: 'weather-station', hex: '/nonexistent/weather-station.hex' }, clock: new VirtualClock(NOON) })).rejects.toThrow('cannot read the firmware /nonexistent/weather-station.hex (ENOENT)');
  });
});

describeWithFirmware('weather-station', 'arduino-uno', 'in real time', () => {
  it('runs in a worker thread and prints its firmware line', async () => {
    const twin = await startTwin('firmware', { options: { firmware: 'weather-station' } });
    try {
      // Bytes leave as the baud allows, a few at a time: gather them up to the first line end.
      let text = '';
      while (!text.includes('\n')) text += (await twin.nextData({ timeoutMs: 20_000 })).toString('latin1');
      expect(text).toMatch(/^# firmware weather-station \S+ arduino-uno\r\n/);
    } finally {
      await twin.stop();
    }
  });
});
