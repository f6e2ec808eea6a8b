import { readFileSync, writeFileSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { hardwareCatalog } from '../../src/catalog/catalog.js';
import { ConfigError } from '../../src/core/errors.js';
import { loadConfigFile, parseConfig } from '../../src/config/load.js';
import { readSecret } from '../../src/config/secret.js';
import { driverRegistry } from '../../src/drivers/registry.js';
import { configProblems as problemsOf, simulatedCatalog } from '../support/simulated-node.js';

const valid = `
node: { id: ws-01, site: harbour }
broker: { url: "mqtt://127.0.0.1:1883", username: ws-01, password: { env: BROKER_PASSWORD } }
boards:
  - id: station
    port: /dev/serial/by-id/usb-Arduino-if00
    hupcl: false
    device: { type: lines, baud: 115200 }
    sensors:
      - { name: temperature, unit: Cel, key: t }
      - { name: pressure, unit: Pa, key: p, scale: 100 }
`;


describe('config loading', () => {
  it('fills defaults into a valid config', () => {
    const config = parseConfig(valid);
    expect(config.batching).toEqual({ maxReadings: 100, maxDelayMs: 1000 });
    expect(config.broker.topicPrefix).toBe('fieldnode');
    expect(config.broker.protocol).toBe('auto');
    expect(config.boards[0]?.device).toEqual({ type: 'lines', baud: 115200, format: 'kv', delimiter: ',' });
    expect(config.boards[0]?.sensors[1]).toEqual({ name: 'pressure', unit: 'Pa', key: 'p', as: 'number', scale: 100, offset: 0 });
  });

  it('lists every mistake at once, each with its path', () => {
    const problems = problemsOf(`
node: { id: "ws 01", site: harbour }
broker: { url: "http://broker", password: "hunter2" }
boards:
  - id: uno
    port: /dev/ttyUSB0
    device: { type: lines, baud: fast }
    sensors:
      - { name: temperature, key: t }
      - { name: rain, key: r, colour: red }
      - { name: temperature, key: t2, format: json }
  - id: uno
    port: /dev/ttyUSB1
    simulator: { device: weather-station }
    device: { type: lines, format: json }
    sensors: [{ name: humidity, key: h }]
  - id: nano
    port: /dev/ttyUSB2
    device: { type: lines, format: csv }
    sensors: [{ name: humidity }]
  - id: meter
    port: /dev/ttyUSB3
    device: { type: modbus }
    sensors: [{ name: pressure }]
  - id: spare
    port: /dev/ttyUSB4
    sensors: [{ name: level }]
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'node.id: use 1-64 letters, digits, "-", "_" or "." starting with a letter or digit',
        'broker.url: a broker URL such as mqtt://host:1883 or mqtts://host:8883',
        'broker.password: give { env: VARIABLE } or { file: PATH }; credentials are never written inline',
        'boards[0].device.baud: expected number, got string "fast"',
        'boards[1].port: give exactly one of port (real hardware) or simulator',
        'boards[1].id: duplicate board id "uno" (also boards[0])',
        // A board whose device is missing cannot have its sensors judged: the device is what is reported.
        'boards[4].device: required (object)',
        'boards[2].sensors[0].column: required: the device prints csv lines (boards[2].device.format)',
        `boards[3].device.type: expected one of ${Object.keys(driverRegistry).map((type) => JSON.stringify(type)).join(', ')}; got string "modbus"; did you mean "modbus-rtu"?`,
        'boards[0].sensors[1].colour: unknown key',
        'boards[0].sensors[2].name: duplicate sensor "temperature" on this board (also boards[0].sensors[0])',
        // The line layout is the device's: a sensor cannot read its own.
        'boards[0].sensors[2].format: unknown key: format is an option of the whole device, give it once at boards[0].device.format',
        'boards[1].device.format: the simulated weather station prints kv lines, not json',
      ]),
    );
    expect(problems).toHaveLength(13);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('shows the value it got and the nearest valid names for a misspelt type, value or key', () => {
    const drivers = Object.keys(driverRegistry).map((type) => JSON.stringify(type)).join(', ');
    const problems = problemsOf(`
node: { id: n, site: s }
broker: { url: "mqtt://broker:1883", protocl: "5", reconnect: { maxDelay: 100 } }
boards:
  - { id: well, port: /dev/ttyUSB0, device: { type: maxbotics }, sensors: [{ name: level }] }
  - { id: sim, simulator: { device: weather-statoin }, device: { type: lines, delimter: ";" }, sensors: [{ name: t, key: t }, { name: u, key: u, as: strnig }] }
  - { id: uno, port: /dev/ttyACM0, device: { type: pulse-counter }, sensors: [{ name: rain, pin: 2, field: totl }] }
  - { id: logger, port: /dev/ttyUSB1, device: { type: lines, format: yaml }, sensors: [{ name: v, key: v }] }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        `boards[0].device.type: expected one of ${drivers}; got string "maxbotics"; did you mean "maxbotix"?`,
        'boards[2].sensors[0].field: expected one of "total", "count", "rate"; got string "totl"; did you mean "total"?',
        // A key is matched against its own driver's keys only.
        'boards[1].device.delimter: unknown key; did you mean "delimiter"?',
        expect.stringMatching(/^boards\[1\]\.sensors\[1\]\.as: expected one of .*; got string "strnig"; did you mean "string"\?$/),
        // Nothing is near: the value alone.
        expect.stringMatching(/^boards\[3\]\.device\.format: expected one of .*; got string "yaml"$/),
        expect.stringMatching(/^boards\[1\]\.simulator\.device: expected one of .*; got string "weather-statoin"; did you mean "weather-station"\?$/),
        'broker.protocl: unknown key; did you mean "protocol"?',
        'broker.reconnect.maxDelay: unknown key; did you mean "maxDelayMs"?',
      ]),
    );
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('node: { id: a\nbroker: [')[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('still checks the rest of a document whose only YAML error is a repeated key', () => {
    const problems = problemsOf(valid.replace('broker: {', 'node: { id: again, site: x }\nbroker: { clientId: 3,'));
    expect(problems[0]).toMatch(/^line 3, column 1: Map keys must be unique/);
    expect(problems).toContain('broker.clientId: expected string, got number 3');
  });

  it('reports refinements hidden behind type errors in the same object, and cross-entry rules', () => {
    const problems = problemsOf(`
node: { id: n, site: s }
broker: { url: "mqtt://user:secret@broker:1883" }
boards:
  - id: a
    device: { type: lines, baud: "9600" }
    sensors:
      - { name: t, key: t, scale: "x" }
      - { name: u, key: u, as: string, scale: 10, offset: "y" }
  - id: b
    port: /dev/ttyUSB0
    device: { type: lines }
    sensors: [{ name: v }]
  - id: c
    port: /dev/ttyUSB0
    device: { type: lines }
    sensors: []
  - id: sim
    simulator: { device: weather-station, format: csv }
    device: { type: lines }
    sensors: [{ name: w, key: t }]
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'broker.url: no user or password in the URL: use broker.username and broker.password',
        'boards[0].device.baud: expected number, got string "9600"',
        'boards[0].port: give exactly one of port (real hardware) or simulator',
        'boards[0].sensors[0].scale: expected number, got string "x"',
        'boards[0].sensors[1].offset: expected number, got string "y"',
        'boards[0].sensors[1].scale: scale and offset apply to numbers, not to as: string',
        // The device's own rules run for a board that passed its schema, beside the others' problems.
        'boards[1].sensors[0].key: required: the device prints kv lines (boards[1].device.format)',
        'boards[2].port: port /dev/ttyUSB0 is also used by boards[1]; one port carries one board',
        'boards[2].sensors: at least one sensor',
        'boards[3].device.format: the simulated weather station prints csv lines, not kv',
      ]),
    );
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('refuses a twin or simulated Pi where the catalog left the simulators out, with its reason', () => {
    const catalog = { ...hardwareCatalog, simulatorsLeftOut: 'started without simulators' };
    const text = `${valid}  - id: twin
    simulator: { device: weather-station }
    device: { type: lines }
    sensors: [{ name: t, key: t }]
  - id: pi
    piSimulator: {}
    device: { type: bme280 }
    sensors: [{ name: t, unit: Cel, field: temperature }]
`;
    const problems = (() => {
      try {
        parseConfig(text, 'reload-config', catalog);
      } catch (error) {
        return (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
      }
      return [];
    })();
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^boards\[1\]\.simulator.*: started without simulators$/), expect.stringMatching(/^boards\[2\]\.piSimulator.*: started without simulators$/)]));
  });

  it('reports a missing file as a config problem', () => {
    expect(() => loadConfigFile('/nonexistent/fieldnode.yaml')).toThrow(/cannot read \/nonexistent\/fieldnode.yaml: ENOENT/);
  });

  it('accepts the sample configs shipped with the boards', () => {
    for (const file of ['boards/arduino-uno/weather-station.yaml', 'boards/arduino-uno/weather-station.demo.yaml', 'boards/scenario-flood.yaml']) {
      expect(loadConfigFile(file, simulatedCatalog).boards.flatMap((board) => board.sensors).length).toBeGreaterThan(0);
    }
  });

  it('ships a JSON Schema that matches the code', () => {
    const shipped = JSON.parse(readFileSync('schema/fieldnode.schema.json', 'utf8')) as unknown;
    // `fieldnode schema` describes what the command knows: the drivers and the bundled twins.
    expect(shipped, 'regenerate with `npm run schema`').toEqual(configJsonSchema(simulatedCatalog));
    expect(JSON.stringify(shipped)).toContain('"weather-station"');
  });
});

describe('secrets', () => {
  it('reads from the environment and from a file, and says where it looked when missing', () => {
    expect(readSecret({ env: 'FIELDNODE_TEST_SECRET' }, { FIELDNODE_TEST_SECRET: 's3cret' })).toBe('s3cret');
    expect(() => readSecret({ env: 'FIELDNODE_TEST_SECRET' }, {})).toThrow('environment variable FIELDNODE_TEST_SECRET is not set');
    const file = join(mkdtempSync(join(tmpdir(), 'fieldnode-secret-')), 'password');
    writeFileSync(file, 'from-file\n');
    chmodSync(file, 0o600);
    expect(readSecret({ file })).toBe('from-file');
    expect(() => readSecret({ file: `${file}.missing` })).toThrow(/cannot read credential file/);
  });
});
