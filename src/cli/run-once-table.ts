/** How `fieldnode run --once` prints its report: a table of readings, then what did not answer and why. */
import type { ReadOnceReport } from '../boards/read-once.js';

type BoardReport = ReadOnceReport['boards'][number];
type SensorReport = BoardReport['sensors'][number];

/** Smallest, largest and count of a sensor's readings over `--duration`. */
export interface SensorSpread {
  min?: number;
  max?: number;
}

/** Whether every sensor of every board gave a reading. */
export function everySensorAnswered(report: ReadOnceReport): boolean {
  return report.boards.every((board) => board.sensors.every((sensor) => sensor.reading !== undefined));
}

/** `12:00:01.500`, as `tail` prints times (UTC). */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 23);
}

/** A value as a technician reads it: numbers as they are, strings and booleans as text. */
function valueText(value: number | string | boolean | undefined): string {
  return value === undefined ? '-' : String(value);
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_cell, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
}

/** `timeout 2, bad-frame 1`, or nothing. */
function problemText(problems: Readonly<Record<string, number>>): string {
  return Object.entries(problems)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}

/**
 * Why a board's sensors gave nothing, from what it knows: the link's own explained error
 * (port missing, permission denied, with the advice), else the problems its driver counted,
 * else plain silence.
 */
export function whyNoAnswer(board: BoardReport, timeoutMs: number): string {
  if (board.error !== undefined) return board.error;
  const silent = board.sensors.filter((sensor) => sensor.reading === undefined).map((sensor) => sensor.name);
  const problems = problemText(board.problems);
  const waited = `no reading from ${silent.join(', ')} within ${seconds(timeoutMs)}`;
  const silence = 'check its power, its TX/RX wiring and that it is the device the config names';
  // Only timeouts: the device never answered its driver's requests, which is silence too.
  if (Object.keys(board.problems).some((kind) => kind !== 'timeout')) return `${waited}; counted: ${problems} (the device sends, but not what its driver accepts: check the baud rate, the wiring and the device type)`;
  if (problems !== '') return `${waited}; counted: ${problems} (the device did not answer its driver's requests): ${silence}`;
  return `${waited}: the port is open but the device sent nothing (timeout); ${silence}`;
}

/** `7 s`, `500 ms`. */
function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/**
 * The report as text: one row per sensor (board, sensor, value, unit, time), the problems
 * each board counted, and the boards that did not answer with the reason. `spreads` (by
 * `board/sensor`) adds count, min and max, for a `--duration` read.
 */
export function formatReport(report: ReadOnceReport, timeoutOf: (boardId: string) => number, spreads?: ReadonlyMap<string, SensorSpread>): string {
  const header = spreads ? ['board', 'sensor', 'count', 'min', 'max', 'last', 'unit', 'time'] : ['board', 'sensor', 'value', 'unit', 'time'];
  const rows = report.boards.flatMap((board) => board.sensors.map((sensor) => sensorRow(board, sensor, spreads)));
  const lines = table([header, ...rows]);
  const counted = report.boards.filter((board) => Object.keys(board.problems).length > 0);
  if (counted.length > 0) {
    lines.push('', 'problems counted:');
    for (const board of counted) lines.push(`  ${board.id}: ${problemText(board.problems)}`);
  }
  const failed = report.boards.filter((board) => board.sensors.some((sensor) => sensor.reading === undefined));
  if (failed.length > 0) {
    lines.push('', 'did not answer:');
    for (const board of failed) lines.push(`  ${board.id} (${board.device}): ${whyNoAnswer(board, timeoutOf(board.id))}`);
  }
  return `${lines.join('\n')}\n`;
}

function sensorRow(board: BoardReport, sensor: SensorReport, spreads: ReadonlyMap<string, SensorSpread> | undefined): string[] {
  const value = valueText(sensor.reading?.value);
  const time = sensor.reading ? clockTime(sensor.reading.time) : '-';
  const unit = sensor.unit ?? '';
  if (!spreads) return [board.id, sensor.name, value, unit, time];
  const spread = spreads.get(`${board.id}/${sensor.name}`);
  return [board.id, sensor.name, String(sensor.readings ?? 0), valueText(spread?.min), valueText(spread?.max), value, unit, time];
}

/** One reading as it arrives during `--duration`: `12:00:01.500  station  temperature  21.53 Cel`. */
export function formatReadingLine(boardId: string, reading: { name: string; value: number | string | boolean; unit?: string | undefined; time: number }): string {
  return `${clockTime(reading.time)}  ${boardId}  ${reading.name.padEnd(12)} ${String(reading.value)}${reading.unit ? ` ${reading.unit}` : ''}`;
}
