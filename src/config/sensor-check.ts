/**
 * `boards[].sensors[]` checked by the driver their board's device names: each driver has its
 * own sensor options, so this runs after the board's device type is known.
 */
import { z } from 'zod';
import { driverIn, type Catalog } from '../catalog/catalog.js';
import type { ConfigProblem } from '../core/errors.js';
import type { DriverDefinition } from '../drivers/driver.js';
import { sensorSchemaFor, type SensorConfig } from './board-schema.js';
import { asArray, asRecord } from './cross-check.js';
import { describeIssueIn } from './load.js';

interface SensorSchemas {
  readonly sensor: z.ZodType;
  /** The sensor schema at its place in a config, so issues keep full paths and unknown keys their suggestions. */
  readonly placed: z.ZodType;
}

const schemasByDriver = new WeakMap<DriverDefinition, SensorSchemas>();

function schemasFor(driver: DriverDefinition): SensorSchemas {
  let schemas = schemasByDriver.get(driver);
  if (!schemas) {
    const sensor = sensorSchemaFor(driver);
    schemas = { sensor, placed: z.object({ boards: z.array(z.object({ sensors: z.array(sensor) })) }) };
    schemasByDriver.set(driver, schemas);
  }
  return schemas;
}

/** An unknown sensor key that is one of the device's options is said to belong there: the form before devices had it on every sensor. */
function withDeviceHint(problem: ConfigProblem, driver: DriverDefinition, boardIndex: number): ConfigProblem {
  // A key of the sensor itself, not one inside its filters.
  const key = /\.sensors\[\d+\]\.([A-Za-z0-9_]+)$/.exec(problem.path)?.[1];
  if (!problem.message.startsWith('unknown key') || key === undefined || !Object.hasOwn(driver.deviceShape, key)) return problem;
  return { path: problem.path, message: `unknown key: ${key} is an option of the whole device, give it once at boards[${boardIndex}].device.${key}` };
}

/** An unknown key directly in a `filters` entry is a filter name: said so, with the nearest names. */
function asFilterName(problem: ConfigProblem): ConfigProblem {
  if (/\.filters\[\d+\](\.[^.[]+|\[[^\]]+\])$/.test(problem.path) && problem.message.startsWith('unknown key')) {
    return { path: problem.path, message: `unknown filter${problem.message.slice('unknown key'.length)}` };
  }
  if (/\.filters\[\d+\]$/.test(problem.path) && problem.message.startsWith('expected object, got ')) {
    return { path: problem.path, message: `expected a filter with its options, such as "delta: { absolute: 0.01 }"; got ${problem.message.slice('expected object, got '.length)}` };
  }
  return problem;
}

/** Every sensor's problems, and each board's sensors with defaults filled in (undefined where its device is unknown). */
export function checkSensors(raw: unknown, catalog: Catalog): { problems: ConfigProblem[]; parsed: ((SensorConfig | undefined)[] | undefined)[] } {
  const problems: ConfigProblem[] = [];
  const parsed = asArray(asRecord(raw)?.['boards']).map((entry, boardIndex) => {
    const board = asRecord(entry);
    const driver = driverIn(catalog, asRecord(board?.['device'])?.['type']);
    // An unknown or missing type is reported at the device: the sensors cannot be judged without it.
    if (!driver) return undefined;
    const { sensor, placed } = schemasFor(driver);
    const describe = describeIssueIn(placed);
    return asArray(board?.['sensors']).map((entry, sensorIndex) => {
      const result = sensor.safeParse(entry, { reportInput: true });
      if (result.success) return result.data as SensorConfig;
      for (const issue of result.error.issues) {
        const placedIssue = { ...issue, path: ['boards', boardIndex, 'sensors', sensorIndex, ...issue.path] };
        problems.push(...describe(placedIssue).map((problem) => asFilterName(withDeviceHint(problem, driver, boardIndex))));
      }
      return undefined;
    });
  });
  return { problems, parsed };
}
