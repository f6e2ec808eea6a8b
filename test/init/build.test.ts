import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import type { InitAnswers } from '../../src/init/answers.js';
import { configYaml } from '../../src/init/build.js';
import { readmeSampleSensors } from '../../src/init/driver-samples.js';
import { sensorPlanFor, unitsFromDescription } from '../../src/init/sensor-choices.js';
import { ConfigError } from '../../src/core/errors.js';
import { simulatedCatalog, validateSimulated } from '../support/simulated-node.js';

const answers: InitAnswers = {
  nodeId: 'ws-01',
  site: 'harbour-east',
  brokerUrl: 'mqtts://broker.example.net:8883',
  username: 'ws-01',
  password: { env: 'FIELDNODE_BROKER_PASSWORD' },
  dataDir: '/var/lib/fieldnode',
  boards: [
    {
      id: 'air',
      port: '/dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0',
      recognisedAs: 'WCH CH340/CH341 USB-serial',
      device: { type: 'sds011', baud: 9600 },
      sensors: [
        { name: 'pm2_5', unit: 'ug/m3', options: { field: 'pm2_5' } },
        { name: 'pm10', unit: 'ug/m3', options: { field: 'pm10' } },
      ],
    },
    {
      id: 'station',
      port: '/dev/ttyACM0',
      device: { type: 'lines', baud: 9600 },
      sensors: [{ name: 'temperature', unit: 'Cel', options: { key: 't' } }, { name: 'raw', options: { key: 'r' } }],
    },
  ],
};

describe('the config init writes', () => {
  const text = configYaml(answers, { schemaPath: '../schema/fieldnode.schema.json' });

  it('validates, with every answer where the runtime reads it', () => {
    const config = validateSimulated(parse(text), 'fieldnode.yaml');
    expect(config.node).toEqual({ id: 'ws-01', site: 'harbour-east' });
    expect(config.broker.password).toEqual({ env: 'FIELDNODE_BROKER_PASSWORD' });
    expect(config.boards.map((board) => [board.id, board.port, board.device.type, board.device.baud])).toEqual([
      ['air', '/dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0', 'sds011', 9600],
      ['station', '/dev/ttyACM0', 'lines', 9600],
    ]);
    expect(config.boards[1]!.sensors.map((sensor) => [sensor.name, sensor.unit, sensor['key']])).toEqual([
      ['temperature', 'Cel', 't'],
      ['raw', undefined, 'r'],
    ]);
  });

  it('starts with the schema line and says above each section what it is', () => {
    const lines = text.split('\n');
    expect(lines[0]).toBe('# yaml-language-server: $schema=../schema/fieldnode.schema.json');
    for (const section of ['node', 'broker', 'dataDir', 'boards']) {
      const at = lines.indexOf(lines.find((line) => line.startsWith(`${section}:`))!);
      expect(lines[at - 1], section).toMatch(/^# /);
    }
    expect(text).toContain('# recognised as: WCH CH340/CH341 USB-serial\n  - id: air');
  });

  it('writes devices and sensors on one line each, as the shipped samples do', () => {
    expect(text).toContain('    device: { type: sds011, baud: 9600 }\n');
    expect(text).toContain('      - { name: pm2_5, unit: ug/m3, field: pm2_5 }\n');
    expect(text).toContain('  password: { env: FIELDNODE_BROKER_PASSWORD }\n');
    expect(parseDocument(text).errors).toEqual([]);
  });

  it('is refused when an answer is wrong, so the checks before writing can fail', () => {
    const wrong = configYaml({ ...answers, boards: [{ ...answers.boards[0]!, sensors: [{ name: 'pm1', unit: 'ug/m3', options: { field: 'pm1' } }] }] }, { schemaPath: 'x' });
    expect(() => validateSimulated(parse(wrong))).toThrow(ConfigError);
  });
});

describe('the sensors a device offers, from its driver', () => {
  const plan = (type: string) => sensorPlanFor(simulatedCatalog.drivers[type]!, readmeSampleSensors(type));

  it('offers every value of a field enum with the unit its description gives', () => {
    const units = (type: string) => {
      const offered = plan(type);
      if (offered.kind !== 'fields') throw new Error(`${type}: ${offered.kind}`);
      return Object.fromEntries(offered.choices.map((choice) => [choice.name, choice.unit]));
    };
    expect(units('sds011')).toEqual({ pm2_5: 'ug/m3', pm10: 'ug/m3' });
    expect(units('maxbotix')).toEqual({ range: 'mm', level: 'm' });
    expect(units('pms5003')).toMatchObject({ pm2_5: 'ug/m3', pm10_cf1: 'ug/m3', particles_0_3um: 'count', particles_2_5um: 'count' });
    expect(units('nmea-gps')).toEqual({ latitude: 'lat', longitude: 'lon', altitude: 'm', fix: undefined, satellites: 'count', hdop: undefined, speed: 'm/s', course: 'deg', time: 's' });
  });

  it('asks for the keys of a line sketch and the pins of a pin device; one reading is offered as it is', () => {
    expect(plan('lines')).toMatchObject({ kind: 'keyed', option: 'key' });
    expect(plan('thermometer')).toMatchObject({ kind: 'keyed', option: 'pin' });
    expect(plan('pulse-counter')).toMatchObject({ kind: 'keyed', option: 'pin' });
    expect(plan('modbus-rtu')).toMatchObject({ kind: 'keyed', option: 'register' });
    expect(plan('mhz19')).toEqual({ kind: 'single', sensor: { name: 'co2', unit: 'ppm', options: {} } });
  });

  it('reads units out of clauses and parentheses, and none where the text says so', () => {
    const units = unitsFromDescription('a (unit: mm); b_x and b_y (unit string: ug/m3); c (count), d (no unit)', ['a', 'b_x', 'b_y', 'b_z', 'c', 'd']);
    expect(Object.fromEntries(units)).toEqual({ a: 'mm', b_x: 'ug/m3', b_y: 'ug/m3', b_z: 'ug/m3', c: 'count' });
  });
});
