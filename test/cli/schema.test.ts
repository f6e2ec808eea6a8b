import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// What an editor does with `fieldnode schema`: complete and check a board in the board form,
// whose sensors take the options of the driver its device names.

type Schema = Record<string, unknown>;

/** The node a `$ref` into `$defs` points at, else the node itself. */
function resolve(root: Schema, node: unknown): Schema {
  const reference = (node as Schema)['$ref'];
  if (typeof reference !== 'string') return node as Schema;
  const name = reference.replace(/^#\/\$defs\//, '');
  return resolve(root, (root['$defs'] as Record<string, Schema>)[name]);
}

/** A step down the schema, through references. */
function at(root: Schema, node: unknown, ...path: string[]): Schema {
  return path.reduce((current, key) => resolve(root, resolve(root, current)[key]), resolve(root, node));
}

function configWith(sensor: Record<string, unknown>): unknown {
  return {
    node: { id: 'aq-03', site: 'market-square' },
    broker: { url: 'mqtts://broker.example.net:8883' },
    boards: [{ id: 'air', port: '/dev/ttyUSB0', device: { type: 'sds011' }, sensors: [sensor] }],
  };
}

describe('fieldnode schema', () => {
  it('prints a JSON Schema with one board variant per device type, its sensors beside it', async () => {
    const result = await runCli(['schema']);
    expect(result.code, result.stderr).toBe(0);
    const schema = JSON.parse(result.stdout) as Schema;

    const variants = at(schema, schema, 'properties', 'boards', 'items')['anyOf'] as Schema[];
    const sds011 = variants.find((variant) => at(schema, variant, 'properties', 'device', 'properties', 'type')['const'] === 'sds011');
    expect(sds011, 'a board variant for sds011').toBeDefined();
    const sensor = at(schema, sds011, 'properties', 'sensors', 'items');
    expect(Object.keys(sensor['properties'] as Schema)).toEqual(expect.arrayContaining(['name', 'unit', 'field']));
    expect(sensor['additionalProperties']).toBe(false);

    // ajv 6 knows JSON Schema up to draft 7; the keywords this schema uses mean the same there.
    const { $schema: _draft, ...draft7 } = schema;
    const validate = new Ajv({ allErrors: true }).compile(draft7);
    expect(validate(configWith({ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' })), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(configWith({ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5', fieldd: 'pm10' }))).toBe(false);
    expect(validate(configWith({ name: 'pm2_5', unit: 'ug/m3', field: 'pm1' }))).toBe(false);
  });
});
