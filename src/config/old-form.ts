/**
 * Configs written before boards held their device: top-level `sensors`, each naming its
 * `board` and a `driver`, and boards with a `transport`. Such a file is refused with what
 * changed, path by path, and `fieldnode migrate` rewrites it in the current form.
 */
import { driverIn, type Catalog } from '../catalog/catalog.js';
import type { ConfigProblem } from '../core/errors.js';
import { asArray, asRecord } from './cross-check.js';
import { quoteValue } from './excerpt.js';

/** Beyond this many, the moves of single sensors are summed up: the rewrite shows them all. */
const LISTED_SENSORS = 20;

/** Whether a parsed document is in the old form. */
export function isOldForm(raw: unknown): boolean {
  const root = asRecord(raw);
  return root !== undefined && ('sensors' in root || asArray(root['boards']).some((board) => asRecord(board)?.['transport'] !== undefined));
}

/** What changed, located by the old paths; empty for a config in the current form. */
export function oldFormProblems(raw: unknown, catalog: Catalog): ConfigProblem[] {
  if (!isOldForm(raw)) return [];
  const root = asRecord(raw)!;
  const problems: ConfigProblem[] = [];
  const plan = planBoards(root, catalog);
  if ('sensors' in root) {
    problems.push({
      path: 'sensors',
      message: 'sensors now sit inside their board: each board has one device (type and device-wide options) and its sensors (name, unit and the options of that reading); run `fieldnode migrate FILE` to print this file in the new form',
    });
    plan.moves.slice(0, LISTED_SENSORS).forEach((move) => problems.push(move));
    if (plan.moves.length > LISTED_SENSORS) problems.push({ path: 'sensors', message: `and ${plan.moves.length - LISTED_SENSORS} more sensors move the same way` });
  }
  asArray(root['boards']).forEach((entry, index) => {
    const board = asRecord(entry);
    if (board?.['transport'] !== undefined) {
      problems.push({ path: `boards[${index}].transport`, message: "no longer used: the device's driver says which link it needs (the Pi's files when no port is given, its header through gpio, Firmata through port)" });
    }
    if (board?.['baud'] !== undefined) problems.push({ path: `boards[${index}].baud`, message: baudMove(plan.baudTargets.get(index) ?? []) });
  });
  return problems;
}

/** The same config in the current form: each board's sensors grouped by driver, one device per board. */
export function toCurrentForm(raw: unknown, catalog: Catalog): Record<string, unknown> {
  const root = asRecord(raw) ?? {};
  const { sensors: _sensors, ...rest } = root;
  return { ...rest, boards: planBoards(root, catalog).boards };
}

interface Plan {
  readonly boards: Record<string, unknown>[];
  readonly moves: ConfigProblem[];
  /** By old board index, the new boards whose device took its baud: a split board's indexes shift. */
  readonly baudTargets: ReadonlyMap<number, number[]>;
}

function baudMove(targets: readonly number[]): string {
  if (targets.length === 0) return 'no longer used: the devices read from this board have no serial port';
  return `moved into the device: ${targets.map((index) => `boards[${index}].device.baud`).join(' and ')}`;
}

/** Splits each old board into one board per driver type read from it, in the order sensors name them. */
function planBoards(root: Record<string, unknown>, catalog: Catalog): Plan {
  const oldSensors = asArray(root['sensors']);
  const boards: Record<string, unknown>[] = [];
  const moves: ConfigProblem[] = [];
  const baudTargets = new Map<number, number[]>();
  asArray(root['boards']).forEach((entry, oldIndex) => {
    const board = asRecord(entry) ?? {};
    const targets: number[] = [];
    baudTargets.set(oldIndex, targets);
    const groups = new Map<string, { index: number; sensor: Record<string, unknown> }[]>();
    oldSensors.forEach((sensor, index) => {
      const record = asRecord(sensor);
      if (!record || record['board'] !== board['id']) return;
      const type = String(asRecord(record?.['driver'])?.['type'] ?? 'unknown');
      groups.set(type, [...(groups.get(type) ?? []), { index, sensor: record }]);
    });
    if (groups.size === 0) {
      targets.push(boards.length);
      boards.push(linkKeys(board, undefined));
      return;
    }
    [...groups].forEach(([type, members], groupIndex) => {
      const id = groupIndex === 0 ? board['id'] : `${String(board['id'])}-${type}`;
      const newIndex = boards.length;
      if (driverIn(catalog, type)?.link !== 'host') targets.push(newIndex);
      boards.push({ ...linkKeys(board, driverIn(catalog, type)?.link), id, ...device(type, members, board, catalog) });
      members.forEach(({ index }, sensorIndex) =>
        moves.push({ path: `sensors[${index}]`, message: `now boards[${newIndex}].sensors[${sensorIndex}] (board ${quoteValue(String(id))}), its driver ${quoteValue(type)} now boards[${newIndex}].device` }),
      );
    });
  });
  return { boards, moves, baudTargets };
}

/** The old board's keys a new board of this link keeps: a host device keeps root, a header pin device gpio. */
function linkKeys(board: Record<string, unknown>, link: string | undefined): Record<string, unknown> {
  const { transport, baud: _baud, gpio, root, ...keys } = board;
  const onPi = transport === 'pi';
  if (onPi && link === 'pins') return { ...keys, ...(keys['piSimulator'] === undefined || gpio !== undefined ? { gpio: gpio ?? {} } : {}) };
  if (onPi && link === 'host') return { ...keys, ...(root !== undefined ? { root } : {}) };
  return { ...keys, ...(gpio !== undefined ? { gpio } : {}), ...(root !== undefined ? { root } : {}) };
}

/** The device (type, baud, the options its driver takes once) and the sensors with their own options. */
function device(type: string, members: { sensor: Record<string, unknown> }[], board: Record<string, unknown>, catalog: Catalog): Record<string, unknown> {
  const driver = driverIn(catalog, type);
  const deviceKeys = new Set(Object.keys(driver?.deviceShape ?? {}));
  const options: Record<string, unknown> = { type };
  if (board['baud'] !== undefined && driver?.link !== 'host') options['baud'] = board['baud'];
  const sensors = members.map(({ sensor }) => {
    const { type: _type, ...driverOptions } = asRecord(sensor['driver']) ?? {};
    const own: Record<string, unknown> = { name: sensor['name'], ...(sensor['unit'] !== undefined ? { unit: sensor['unit'] } : {}) };
    for (const [key, value] of Object.entries(driverOptions)) {
      if (!deviceKeys.has(key)) own[key] = value;
      // The first sensor's value stands for the device: the old form required them to agree.
      else if (!(key in options)) options[key] = value;
    }
    return own;
  });
  return { device: options, sensors };
}
