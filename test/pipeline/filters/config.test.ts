/**
 * `filters` in fieldnode.yaml: every bad filter is reported at the path of what is wrong,
 * every problem of a config at once, unknown names with the nearest filters; the JSON Schema
 * documents each filter; and the driver of the sensor never sees its filters.
 */
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../src/config/json-schema.js';
import { parseConfig } from '../../../src/config/load.js';
import { sensorSchemaFor } from '../../../src/config/board-schema.js';
import type { DriverDefinition } from '../../../src/drivers/driver.js';
import { driverRegistry } from '../../../src/drivers/registry.js';
import { FILTER_NAMES } from '../../../src/pipeline/filters/schema.js';
import { configProblems as problemsOf, simulatedCatalog } from '../../support/simulated-node.js';

const header = 'node: { id: n, site: s }\nbroker: { url: "mqtt://127.0.0.1:1883" }\nboards:\n  - id: weir\n    port: /dev/ttyUSB0\n    device: { type: maxbotix, mountHeightMm: 4000 }\n    sensors:\n';

/** The config of one maxbotix board whose `level` sensor has these filters (YAML lines under `filters:`). */
function configWith(...filters: string[]): string {
  return `${header}      - name: level\n        unit: m\n        field: level\n        filters:\n${filters.map((filter) => `          - ${filter}\n`).join('')}`;
}


const at = (index: number, rest = '') => `boards[0].sensors[0].filters[${index}]${rest}`;

describe('filters in the config', () => {
  it('accepts the whole syntax and fills in the defaults', () => {
    const config = parseConfig(
      configWith(
        'offset: -0.02',
        'multiply: 0.001',
        'calibrate_linear: [[0.10, 0.12], [2.00, 2.05]]',
        'calibrate_polynomial: { degree: 2, points: [[0, 0], [1, 1.1], [2, 4.3], [3, 9.2]] }',
        'clamp: { min: 0, max: 5 }',
        'range: { min: 0, max: 5, action: drop }',
        'median: { window: 5, sendEvery: 5 }',
        'ema: { alpha: 0.2 }',
        'throttle: { intervalMs: 10000 }',
        'throttle_average: { intervalMs: 60000 }',
        'delta: { absolute: 0.01 }',
        'heartbeat: { intervalMs: 300000 }',
        'timeout: { afterMs: 120000, value: 0 }',
        'debounce: { ms: 500 }',
        'round: { decimals: 3 }',
        'aggregate: { intervalMs: 60000 }',
      ),
      'test.yaml',
      simulatedCatalog,
    );
    const filters = config.boards[0]!.sensors[0]!['filters'] as Record<string, unknown>[];
    expect(filters.map((filter) => Object.keys(filter)[0])).toEqual(['offset', 'multiply', 'calibrate_linear', 'calibrate_polynomial', 'clamp', 'range', 'median', 'ema', 'throttle', 'throttle_average', 'delta', 'heartbeat', 'timeout', 'debounce', 'round', 'aggregate']);
    expect(filters[6]).toEqual({ median: { window: 5, sendEvery: 5, sendFirstAt: 1 } });
    expect(filters[7]).toEqual({ ema: { alpha: 0.2, sendEvery: 1 } });
    expect(filters[15]).toEqual({ aggregate: { intervalMs: 60000, send: ['min', 'mean', 'max'] } });
  });

  it('a sensor without filters has none', () => {
    const config = parseConfig(`${header}      - { name: level, unit: m, field: level }\n`, 'test.yaml', simulatedCatalog);
    expect(config.boards[0]!.sensors[0]!['filters']).toBeUndefined();
  });

  it('reports every bad filter at its path, all at once', () => {
    expect(
      problemsOf(
        configWith(
          'median: { window: 0 }',
          'mean: { sendEvery: 2, sendFirstAt: 3 }',
          'calibrate_linear: [[1, 2], [1, 3]]',
          'calibrate_linear: [[1, 2]]',
          'calibrate_polynomial: { degree: 2, points: [[0, 0], [1, 1], [1, 2]] }',
          'calibrate_polynomial: { coefficients: [1, 2], degree: 1 }',
          'calibrate_polynomial: {}',
          'clamp: {}',
          'range: { min: 5, max: 1 }',
          'delta: {}',
          'round: { decimals: 2.5 }',
          'aggregate: { intervalMs: 1000, send: [avg] }',
          'offset: x',
          'throttle: { intervalMs: -1 }',
          'ema: { alpha: 0 }',
          'timeout: { afterMs: 1000, value: [1] }',
          'heartbeat: { interval: 1000 }',
        ),
      ),
    ).toEqual([
      `${at(0, '.median.window')}: Too small: expected number to be >=1`,
      `${at(1, '.mean.sendFirstAt')}: must not exceed sendEvery (2)`,
      `${at(2, '.calibrate_linear')}: a degree 1 fit needs at least 2 different measured values; got 1`,
      `${at(3, '.calibrate_linear')}: at least two [measured, true] points`,
      `${at(4, '.calibrate_polynomial.points')}: a degree 2 fit needs at least 3 different measured values; got 2`,
      `${at(5, '.calibrate_polynomial.coefficients')}: give coefficients, or degree and points, not both`,
      `${at(6, '.calibrate_polynomial.degree')}: required (with points), unless coefficients are given`,
      `${at(6, '.calibrate_polynomial.points')}: required (with degree), unless coefficients are given`,
      `${at(7, '.clamp')}: give min, max or both`,
      `${at(8, '.range.action')}: required: one of "drop", "flag"`,
      `${at(8, '.range.max')}: max 1 is below min 5`,
      `${at(9, '.delta')}: give absolute, percent or both`,
      `${at(10, '.round.decimals')}: expected int, got number 2.5`,
      `${at(11, '.aggregate.send[0]')}: expected one of "min", "mean", "max"; got string "avg"`,
      `${at(12, '.offset')}: expected number, got string "x"`,
      `${at(13, '.throttle.intervalMs')}: Too small: expected number to be >=1`,
      `${at(14, '.ema.alpha')}: Too small: expected number to be >0`,
      `${at(15, '.timeout.value')}: Invalid input`,
      `${at(16, '.heartbeat.intervalMs')}: required (number)`,
      `${at(16, '.heartbeat.interval')}: unknown key; did you mean "intervalMs"?`,
    ]);
  });

  it('names the nearest filters for an unknown one', () => {
    expect(problemsOf(configWith('medain: { window: 5 }', 'throttle-average: { intervalMs: 1000 }', 'heartbeats: { intervalMs: 1000 }', 'smooth: { window: 5 }'))).toEqual([
      `${at(0, '.medain')}: unknown filter; did you mean "median"?`,
      `${at(1, '.throttle-average')}: unknown filter; did you mean "throttle_average"?`,
      `${at(2, '.heartbeats')}: unknown filter; did you mean "heartbeat"?`,
      `${at(3, '.smooth')}: unknown filter`,
    ]);
  });

  it('an unknown key inside a filter is not said to belong to the device', () => {
    // mountHeightMm is an option of the maxbotix device; in a median it is just unknown.
    expect(problemsOf(configWith('median: { mountHeightMm: 5 }'))).toEqual([`${at(0, '.median.mountHeightMm')}: unknown key`]);
  });

  it('asks for one filter per entry, each a mapping', () => {
    expect(problemsOf(configWith('{ median: { window: 3 }, delta: { absolute: 1 } }', '{}', 'median'))).toEqual([
      `${at(0)}: one filter per list entry, found median and delta: start each with its own "-"`,
      `${at(1)}: a filter: one of its names with its options, such as delta: { absolute: 0.01 }`,
      `${at(2)}: expected a filter with its options, such as "delta: { absolute: 0.01 }"; got string "median"`,
    ]);
  });

  it('a misspelt filters key is suggested, and filters is a list', () => {
    expect(problemsOf(`${header}      - { name: level, field: level, filter: [] }\n`)).toEqual(['boards[0].sensors[0].filter: unknown key; did you mean "filters"?']);
    expect(problemsOf(`${header}      - { name: level, field: level, filters: { delta: { absolute: 1 } } }\n`)).toEqual(['boards[0].sensors[0].filters: expected array, got a mapping']);
  });

  it('an aggregate may not send under the name of another sensor of the board', () => {
    const text = `${header}      - { name: level, field: level, filters: [{ aggregate: { intervalMs: 60000, send: [max] } }] }\n      - { name: level_max, field: range }\n      - { name: level_mean, field: range, filters: [{ aggregate: { intervalMs: 1000 } }] }\n`;
    expect(problemsOf(text)).toEqual(['boards[0].sensors[0].filters: its aggregate sends level_max, the name of boards[0].sensors[1]']);
  });

  it('no driver may have a sensor option called filters', () => {
    const driver = { ...driverRegistry.maxbotix, sensorShape: { ...driverRegistry.maxbotix.sensorShape, filters: driverRegistry.maxbotix.sensorShape.field } } as DriverDefinition;
    expect(() => sensorSchemaFor(driver)).toThrow('driver maxbotix: a sensor option may not be called "filters"');
  });

  it('the JSON Schema documents every filter with its options', () => {
    const text = JSON.stringify(configJsonSchema(simulatedCatalog));
    for (const name of FILTER_NAMES) expect(text).toContain(`"${name}":`);
    expect(text).toContain('"maxProperties":1');
    expect(text).toContain('sends a reading only when it changed enough since the last one sent');
  });
});
