import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { isRegisteredUnit, REGISTERED_UNITS, SECONDARY_UNITS, SENML_UNITS, UNIT_HINTS } from '../../src/codec/units.js';
import { ConfigError } from '../../src/core/errors.js';

const config = (units: string[], root = '') => `
node: { id: ws-01, site: harbour }
broker: { url: "mqtt://127.0.0.1:1883" }
${root}
boards:
  - id: station
    port: /dev/serial/by-id/usb-Arduino-if00
    device: { type: lines, baud: 115200 }
    sensors:
${units.map((unit, index) => `      - { name: s${index}, unit: ${JSON.stringify(unit)}, key: k${index} }`).join('\n')}
`;

/** Problems as `path: message`; a ConfigError is what the CLI ends with exit 78 (src/cli/exit.ts). */
function problemsOf(text: string): { problems: string[] } {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems.map((problem) => `${problem.path}: ${problem.message}`) };
    throw error;
  }
  throw new Error('config was accepted');
}

describe('units in the config', () => {
  it('accepts every SenML Unit and every Secondary Unit of the registry', () => {
    const parsed = parseConfig(config([...REGISTERED_UNITS]));
    expect(parsed.boards[0]!.sensors.map((sensor) => sensor.unit)).toEqual(REGISTERED_UNITS);
  });

  it('refuses a unit in neither registry at its path, naming the nearest registered names', () => {
    const { problems } = problemsOf(config(['Cel', 'uS/cm', 'cel', 'bar', 'ug/m³', 'furlong']));
    expect(problems).toEqual([
      'boards[0].sensors[1].unit: "uS/cm" is not a unit of the IANA SenML registry (SenML Units or Secondary Units): conductivity is S/m in SenML: 1 uS/cm = 0.0001 S/m (scale × 0.0001)',
      'boards[0].sensors[2].unit: "cel" is not a unit of the IANA SenML registry (SenML Units or Secondary Units); did you mean "Cel"?',
      'boards[0].sensors[3].unit: "bar" is not a unit of the IANA SenML registry (SenML Units or Secondary Units): pressure is Pa in SenML (1 bar = 100000 Pa), or the secondary unit hPa',
      'boards[0].sensors[4].unit: "ug/m³" is not a unit of the IANA SenML registry (SenML Units or Secondary Units); did you mean "ug/m3"?',
      'boards[0].sensors[5].unit: "furlong" is not a unit of the IANA SenML registry (SenML Units or Secondary Units); e.g. Cel, %RH, Pa, m, S/m, ug/m3, ppm',
    ]);
  });

  it('keeps the two registries apart: no name is both a SenML Unit and a Secondary Unit, and every primary exists', () => {
    for (const [name, secondary] of SECONDARY_UNITS) {
      expect(SENML_UNITS, name).not.toContain(name);
      expect(SENML_UNITS, `${name} → ${secondary.primary}`).toContain(secondary.primary);
    }
    // A hint for a manual's spelling never shadows a registered name.
    for (const spelling of UNIT_HINTS.keys()) expect(isRegisteredUnit(spelling), spelling).toBe(false);
  });
});

describe('encoding in the config', () => {
  it('is exact unless told otherwise', () => {
    expect(parseConfig(config(['Cel'])).encoding).toEqual({ floats: 'exact', secondaryUnits: 'announce' });
    expect(parseConfig(config(['Cel'], 'encoding: { floats: compact, secondaryUnits: convert }')).encoding).toEqual({ floats: 'compact', secondaryUnits: 'convert' });
  });

  it('refuses other float encodings and unknown keys at their paths', () => {
    const { problems } = problemsOf(config(['Cel'], 'encoding: { floats: float16, secondaryUnits: drop, units: si }'));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^encoding\.floats: /), expect.stringMatching(/^encoding\.secondaryUnits: /), expect.stringMatching(/^encoding\.units: unknown key/)]));
  });
});
