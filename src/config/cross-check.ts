import type { ConfigProblem } from '../core/errors.js';
import type { SensorBinding } from '../drivers/driver.js';
import { driverFor, isDriverType } from '../drivers/registry.js';
import { simulatorRegistry } from '../../simulators/registry.js';
import type { SimulatorDefinition } from '../../simulators/device.js';
import { quoteValue } from './excerpt.js';
import { configSchema } from './schema.js';

const sensorSchema = configSchema.shape.sensors.element;

/**
 * Rules that span entries (a sensor names a board that exists, ids are unique, a driver's
 * sensors on one board agree). They run on the raw input even when other parts failed the
 * schema, so that one `validate` shows every problem.
 */
export function crossCheck(raw: unknown): ConfigProblem[] {
  const root = asRecord(raw);
  const boards = asArray(root?.['boards']);
  const sensors = asArray(root?.['sensors']);
  const problems: ConfigProblem[] = [];

  const boardIds = new Map<string, number>();
  const ports = new Map<string, number>();
  const transportOf = new Map<string, string>();
  boards.forEach((board, index) => {
    const boardId = asRecord(board)?.['id'];
    const transport = asRecord(board)?.['transport'];
    if (typeof boardId === 'string') transportOf.set(boardId, typeof transport === 'string' ? transport : 'serial');
    const id = asRecord(board)?.['id'];
    const port = asRecord(board)?.['port'];
    if (typeof port === 'string') {
      const first = ports.get(port);
      if (first === undefined) ports.set(port, index);
      else problems.push({ path: `boards[${index}].port`, message: `port ${bare(port)} is also used by boards[${first}]; one port carries one board` });
    }
    if (typeof id !== 'string') return;
    const first = boardIds.get(id);
    if (first === undefined) boardIds.set(id, index);
    else problems.push({ path: `boards[${index}].id`, message: `duplicate board id ${quoteValue(id)} (also boards[${first}])` });
  });

  const sensorNames = new Map<string, number>();
  const boardDriver = new Map<string, { type: string; index: number }>();
  const groups = new Map<string, SensorBinding<unknown>[]>();
  // Named once, not once per sensor: a file with thousands of boards stays linear and short.
  const knownBoards = boardIds.size === 0 ? 'none' : listExcerpt([...boardIds.keys()]);
  sensors.forEach((sensor, index) => {
    const record = asRecord(sensor);
    const board = record?.['board'];
    const name = record?.['name'];
    if (typeof board === 'string' && !boardIds.has(board)) {
      problems.push({ path: `sensors[${index}].board`, message: `no board with id ${quoteValue(board)} (boards: ${knownBoards})` });
    }
    const driverType = asRecord(record?.['driver'])?.['type'];
    if (typeof board === 'string' && typeof driverType === 'string' && isDriverType(driverType) && transportOf.has(board)) {
      const allowed = driverFor(driverType).transports ?? ['serial'];
      const transport = transportOf.get(board)!;
      if (!allowed.includes(transport as 'serial' | 'pi' | 'firmata')) {
        problems.push({ path: `sensors[${index}].driver.type`, message: `${driverType} reads from ${allowed.join(' or ')} boards; board ${quoteValue(board)} is ${bare(transport)}` });
      }
    }
    // An unknown type is reported by the schema already; comparing it would only add noise.
    // A pi board has one driver per kind of file, not one byte stream: the rule is for serial boards.
    if (typeof board === 'string' && typeof driverType === 'string' && isDriverType(driverType) && (transportOf.get(board) ?? 'serial') === 'serial') {
      const first = boardDriver.get(board);
      if (!first) boardDriver.set(board, { type: driverType, index });
      else if (first.type !== driverType) {
        problems.push({ path: `sensors[${index}].driver.type`, message: `board ${quoteValue(board)} is read with ${first.type} (sensors[${first.index}]); one serial board speaks one protocol` });
      }
    }
    if (typeof board === 'string' && typeof name === 'string') {
      const key = `${board}/${name}`;
      const first = sensorNames.get(key);
      if (first === undefined) sensorNames.set(key, index);
      else problems.push({ path: `sensors[${index}].name`, message: `duplicate sensor ${quoteValue(name)} on board ${quoteValue(board)} (also sensors[${first}])` });
    }
    const parsed = sensorSchema.safeParse(sensor);
    if (!parsed.success) return;
    const { type, ...options } = parsed.data.driver;
    const groupKey = `${parsed.data.board}\u0000${type}`;
    const group = groups.get(groupKey) ?? [];
    group.push({ name: parsed.data.name, unit: parsed.data.unit, options, path: `sensors[${index}]` });
    groups.set(groupKey, group);
  });

  problems.push(...checkBoardsAgainstSensors(boards, sensors));

  for (const [key, group] of groups) {
    const driver = driverFor(key.split('\u0000')[1] ?? '');
    problems.push(...(driver.checkBoard?.(group as SensorBinding<never>[]) ?? []));
  }
  return problems;
}

/** Every board is read by some sensor, and a simulated board's sensors can read what it prints. */
function checkBoardsAgainstSensors(boards: unknown[], sensors: unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // Sensors by board, in one pass: boards times sensors would be billions for a large file.
  const byBoard = new Map<unknown, { path: string; driver: Record<string, unknown> }[]>();
  sensors.forEach((raw, sensorIndex) => {
    const sensor = asRecord(raw);
    const list = byBoard.get(sensor?.['board']) ?? [];
    list.push({ path: `sensors[${sensorIndex}]`, driver: asRecord(sensor?.['driver']) ?? {} });
    byBoard.set(sensor?.['board'], list);
  });
  boards.forEach((raw, index) => {
    const board = asRecord(raw);
    const id = board?.['id'];
    if (typeof id !== 'string') return;
    const attached = byBoard.get(id) ?? [];
    if (attached.length === 0) problems.push({ path: `boards[${index}]`, message: `no sensor reads board ${quoteValue(id)} (is a sensor's board misspelt?)` });
    const simulator = asRecord(board?.['simulator']);
    const device = simulator?.['device'];
    if (typeof device !== 'string' || !(device in simulatorRegistry)) return;
    const definition: SimulatorDefinition = simulatorRegistry[device as keyof typeof simulatorRegistry];
    // Sensors naming an unknown driver are already reported; checking them again is noise.
    const known = attached.filter((sensor) => typeof sensor.driver['type'] === 'string' && isDriverType(sensor.driver['type']));
    problems.push(...(definition.checkSensors?.(simulator ?? {}, known) ?? []));
  });
  return problems;
}

/** A name as it is when it is a plain short word, else quoted as an excerpt. */
function bare(name: string): string {
  return /^[\w./:-]{1,40}$/.test(name) ? name : quoteValue(name);
}

/** The first few of a list, each excerpted, and how many more. */
function listExcerpt(names: string[]): string {
  const shown = names.slice(0, 5).map(bare);
  return names.length > shown.length ? `${shown.join(', ')} and ${names.length - shown.length} more` : shown.join(', ');
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
