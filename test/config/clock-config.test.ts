import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { configProblems as problemsOf, simulatedCatalog } from '../support/simulated-node.js';

const base = `
node: { id: ws-01, site: harbour }
broker: { url: "mqtt://127.0.0.1:1883" }
boards:
  - id: station
    simulator: { device: weather-station }
    device: { type: lines }
    sensors: [{ name: temperature, unit: Cel, key: t }]
`;


describe('the clock: section', () => {
  it('defaults to holding readings for a clock that all three sources may set', () => {
    expect(parseConfig(base, 'test.yaml', simulatedCatalog).clock).toEqual({ untrusted: 'hold', trustWithinSeconds: 600, sources: ['ntp', 'gps', 'broker'], maxHeldReadings: 10_000, brokerMaxStepSeconds: 300 });
    const flag = parseConfig(`${base}clock: { untrusted: flag, trustWithinSeconds: 120, sources: [gps] }\n`, 'test.yaml', simulatedCatalog);
    expect(flag.clock).toMatchObject({ untrusted: 'flag', trustWithinSeconds: 120, sources: ['gps'] });
  });

  it('lists every mistake with its path', () => {
    const problems = problemsOf(`${base}clock: { untrusted: drop, trustWithinSeconds: -1, sources: [ntp, ntp, sundial], maxHeldReadings: 0 }\n`);
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(expect.arrayContaining(['clock.untrusted', 'clock.trustWithinSeconds', 'clock.sources[2]', 'clock.maxHeldReadings']));
  });
});
