import { readFileSync, writeFileSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { loadConfigFile, parseConfig } from '../../src/config/load.js';
import { readSecret } from '../../src/config/secret.js';
import { ConfigError } from '../../src/core/errors.js';
import { driverRegistry } from '../../src/drivers/registry.js';

const valid = `
node: { id: ws-01, site: harbour }
broker: { url: "mqtt://127.0.0.1:1883", username: ws-01, password: { env: BROKER_PASSWORD } }
boards:
  - { id: station, port: /dev/serial/by-id/usb-Arduino-if00, baud: 115200, hupcl: false }
sensors:
  - { name: temperature, board: station, unit: Cel, driver: { type: lines, key: t } }
  - { name: pressure, board: station, unit: Pa, driver: { type: lines, key: p, scale: 100 } }
`;

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  throw new Error('config was accepted');
}

describe('config loading', () => {
  it('fills defaults into a valid config', () => {
    const config = parseConfig(valid);
    expect(config.batching).toEqual({ maxReadings: 100, maxDelayMs: 1000 });
    expect(config.broker.topicPrefix).toBe('fieldnode');
    expect(config.broker.protocol).toBe('auto');
    expect(config.sensors[1]?.driver).toEqual({ type: 'lines', format: 'kv', key: 'p', delimiter: ',', as: 'number', scale: 100, offset: 0 });
  });

  it('lists every mistake at once, each with its path', () => {
    const problems = problemsOf(`
node: { id: "ws 01", site: harbour }
broker: { url: "http://broker", password: "hunter2" }
boards:
  - { id: uno, port: /dev/ttyUSB0, baud: fast }
  - { id: uno, port: /dev/ttyUSB1, simulator: { device: weather-station } }
sensors:
  - { name: temperature, board: uno, driver: { type: lines, key: t } }
  - { name: humidity, board: nano, driver: { type: lines, format: csv } }
  - { name: pressure, board: uno, driver: { type: modbus } }
  - { name: rain, board: uno, driver: { type: lines, key: r, colour: red } }
  - { name: temperature, board: uno, driver: { type: lines, format: json, key: t2 } }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'node.id: use 1-64 letters, digits, "-", "_" or "." starting with a letter or digit',
        'broker.url: a broker URL such as mqtt://host:1883 or mqtts://host:8883',
        'broker.password: give { env: VARIABLE } or { file: PATH }; credentials are never written inline',
        'boards[0].baud: expected number, got string "fast"',
        'boards[1].port: give exactly one of port (real hardware) or simulator',
        'boards[1].id: duplicate board id "uno" (also boards[0])',
        'sensors[1].board: no board with id "nano" (boards: uno)',
        'sensors[1].driver.column: required when format is csv',
        `sensors[2].driver.type: expected one of ${Object.keys(driverRegistry).map((type) => JSON.stringify(type)).join(', ')}; got string "modbus"; did you mean "modbus-rtu"?`,
        'sensors[3].driver.colour: unknown key',
        'sensors[4].name: duplicate sensor "temperature" on board "uno" (also sensors[0])',
        expect.stringMatching(/^sensors\[4\]\.driver\.format: sensors of one board share one line layout/),
        'sensors[4].driver.format: the simulated weather station prints kv lines, not json',
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
  - { id: uno, transport: firmata, port: /dev/ttyACM0 }
  - { id: sim, simulator: { device: weather-statoin } }
sensors:
  - { name: level, board: sim, driver: { type: maxbotics } }
  - { name: rain, board: uno, driver: { type: pulse-counter, pin: 2, field: totl } }
  - { name: t, board: sim, driver: { type: lines, key: t, delimter: ";" } }
  - { name: u, board: sim, driver: { type: lines, key: u, as: strnig } }
  - { name: v, board: sim, driver: { type: lines, key: v, format: yaml } }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        `sensors[0].driver.type: expected one of ${drivers}; got string "maxbotics"; did you mean "maxbotix"?`,
        'sensors[1].driver.field: expected one of "total", "count", "rate"; got string "totl"; did you mean "total"?',
        // A key is matched against its own driver's keys only.
        'sensors[2].driver.delimter: unknown key; did you mean "delimiter"?',
        expect.stringMatching(/^sensors\[3\]\.driver\.as: expected one of .*; got string "strnig"; did you mean "string"\?$/),
        // Nothing is near: the value alone.
        expect.stringMatching(/^sensors\[4\]\.driver\.format: expected one of .*; got string "yaml"$/),
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
  - { id: a, baud: "9600" }
  - { id: b, port: /dev/ttyUSB0 }
  - { id: c, port: /dev/ttyUSB0 }
  - { id: sim, simulator: { device: weather-station, format: csv } }
sensors:
  - { name: t, board: a, driver: { type: lines, scale: "x" } }
  - { name: u, board: b, driver: { type: lines, key: u, as: string, scale: 10 } }
  - { name: v, board: sim, driver: { type: lines, key: v } }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'broker.url: no user or password in the URL: use broker.username and broker.password',
        'boards[0].baud: expected number, got string "9600"',
        'boards[0].port: give exactly one of port (real hardware) or simulator',
        'sensors[0].driver.scale: expected number, got string "x"',
        'sensors[0].driver.key: required when format is kv',
        'sensors[1].driver.scale: scale and offset apply to numbers, not to as: string',
        'boards[2].port: port /dev/ttyUSB0 is also used by boards[1]; one port carries one board',
        'boards[2]: no sensor reads board "c" (is a sensor\'s board misspelt?)',
        'sensors[2].driver.format: the simulated weather station prints csv lines, not kv',
      ]),
    );
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('reports a missing file as a config problem', () => {
    expect(() => loadConfigFile('/nonexistent/fieldnode.yaml')).toThrow(/cannot read \/nonexistent\/fieldnode.yaml: ENOENT/);
  });

  it('accepts the sample configs shipped with the boards', () => {
    for (const file of ['boards/arduino-uno/weather-station.yaml', 'boards/arduino-uno/weather-station.demo.yaml', 'boards/scenario-flood.yaml']) {
      expect(loadConfigFile(file).sensors.length).toBeGreaterThan(0);
    }
  });

  it('ships a JSON Schema that matches the code', () => {
    const shipped = JSON.parse(readFileSync('schema/fieldnode.schema.json', 'utf8')) as unknown;
    expect(shipped, 'regenerate with `npm run schema`').toEqual(configJsonSchema());
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
