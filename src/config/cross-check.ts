import { driverIn, twinIn, type Catalog } from '../catalog/catalog.js';
import { twinNameOf } from '../catalog/twin.js';
import type { ConfigProblem } from '../core/errors.js';
import { aggregateNameClashes } from '../pipeline/filters/names.js';
import { quoteValue } from './excerpt.js';
import type { SensorConfig } from './board-schema.js';
import { configSchemaFor } from './schema.js';

/**
 * Rules that span entries (ids are unique, one port carries one board, a twin can stand for
 * the device it is given). They run on the raw input even when other parts failed the schema,
 * so that one `validate` shows every problem.
 */
export function crossCheck(raw: unknown, catalog: Catalog): ConfigProblem[] {
  const boards = asArray(asRecord(raw)?.['boards']);
  const problems: ConfigProblem[] = [];
  const boardIds = new Map<string, number>();
  const ports = new Map<string, number>();
  boards.forEach((entry, index) => {
    const board = asRecord(entry);
    const id = board?.['id'];
    const port = board?.['port'];
    if (typeof port === 'string') {
      const first = ports.get(port);
      if (first === undefined) ports.set(port, index);
      else problems.push({ path: `boards[${index}].port`, message: `port ${bare(port)} is also used by boards[${first}]; one port carries one board` });
    }
    if (typeof id === 'string') {
      const first = boardIds.get(id);
      if (first === undefined) boardIds.set(id, index);
      else problems.push({ path: `boards[${index}].id`, message: `duplicate board id ${quoteValue(id)} (also boards[${first}])` });
    }
    problems.push(...uniqueSensorNames(board, index), ...aggregateNameClashes(asArray(board?.['sensors']), `boards[${index}]`), ...twinAgainstDevice(board, index, catalog));
  });
  return problems;
}

/**
 * The driver's own rules across the sensors of each device, for every board whose device and
 * sensors passed their schemas, even when other boards did not: one validation shows all.
 */
export function deviceChecks(raw: unknown, parsedSensors: readonly (readonly (SensorConfig | undefined)[] | undefined)[], catalog: Catalog): ConfigProblem[] {
  // The board schema the config was checked with, built once per catalog.
  const boardSchema = configSchemaFor(catalog).shape.boards.element;
  return asArray(asRecord(raw)?.['boards']).flatMap((entry, index) => {
    const board = boardSchema.safeParse(entry);
    const sensors = parsedSensors[index];
    if (!board.success || !sensors || sensors.some((sensor) => sensor === undefined)) return [];
    const driver = driverIn(catalog, board.data.device.type);
    if (!driver?.checkDevice) return [];
    const { type: _type, ...options } = board.data.device;
    const path = `boards[${index}]`;
    const bindings = (sensors as SensorConfig[]).map(({ name, unit, filters: _filters, ...sensorOptions }, sensorIndex) => ({ name, unit, options: sensorOptions, path: `${path}.sensors[${sensorIndex}]` }));
    return driver.checkDevice({ boardId: board.data.id, path, options: options as never, sensors: bindings as never });
  });
}

/** A reading's SenML name is `<node>.<board>.<name>`: two sensors of one name on a board would be one series. */
function uniqueSensorNames(board: Record<string, unknown> | undefined, index: number): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  asArray(board?.['sensors']).forEach((sensor, sensorIndex) => {
    const name = asRecord(sensor)?.['name'];
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, sensorIndex);
    else problems.push({ path: `boards[${index}].sensors[${sensorIndex}].name`, message: `duplicate sensor ${quoteValue(name)} on this board (also boards[${index}].sensors[${first}])` });
  });
  return problems;
}

/** The twin's own rules against the device it stands for (a sketch printing CSV is not read as kv). */
function twinAgainstDevice(board: Record<string, unknown> | undefined, index: number, catalog: Catalog): ConfigProblem[] {
  const simulator = asRecord(board?.['simulator']);
  const twin = twinIn(catalog, twinNameOf(simulator, catalog.twins));
  const device = asRecord(board?.['device']);
  const type = device?.['type'];
  // A device of unknown type is reported by the schema already; comparing it would only add noise.
  if (!twin?.checkDevice || !simulator || !device || !driverIn(catalog, type)) return [];
  const { type: _type, ...options } = device;
  const path = `boards[${index}]`;
  const sensors = asArray(board?.['sensors']).map((sensor, sensorIndex) => ({ path: `${path}.sensors[${sensorIndex}]`, options: asRecord(sensor) ?? {} }));
  return twin.checkDevice(simulator, { path, type: String(type), options, sensors });
}

/** A name as it is when it is a plain short word, else quoted as an excerpt. */
function bare(name: string): string {
  return /^[\w./:-]{1,40}$/.test(name) ? name : quoteValue(name);
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
