/** Check 4: each device gives a valid reading through its real driver within the time allowed. */
import { defaultReadTimeoutMs, readOnce, type ReadOnceReport } from '../boards/read-once.js';
import type { Catalog } from '../catalog/catalog.js';
import type { NodeConfig } from '../config/schema.js';
import { fail, pass, warn, type CheckResult } from './report.js';

/**
 * Reads every board once as `run --once` does; boards a running node holds are left to it.
 * Each board has its own default time (its device's cycle), unless `timeoutMs` is given.
 */
export async function checkDevices(config: NodeConfig, catalog: Catalog, runningPid: number | null | undefined, failedPorts: ReadonlySet<string>, timeoutMs?: number): Promise<CheckResult[]> {
  // A running node holds its serial ports; its other boards can still be read beside it.
  const held = runningPid === undefined ? [] : config.boards.filter((board) => board.port !== undefined);
  // A port that failed its check would only fail again, with the same words.
  const skipped = (board: NodeConfig['boards'][number]) => held.includes(board) || failedPorts.has(board.id);
  const free = { ...config, boards: config.boards.filter((board) => !skipped(board)) };
  const report: ReadOnceReport = free.boards.length === 0 ? { boards: [] } : await readOnce(free, { catalog, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  const byId = new Map(report.boards.map((board) => [board.id, board]));
  return config.boards.map((board) => {
    const check = `device ${board.device.type} (${board.id})`;
    const found = byId.get(board.id);
    if (failedPorts.has(board.id)) return fail(check, 'not read: its port failed its check', 'fix the port first (see above), then run the doctor again');
    if (!found) return warn(check, 'not read: the running node holds its port', 'stop the node for a full check of this device');
    return deviceResult(check, found, timeoutMs ?? defaultReadTimeoutMs(board));
  });
}

function deviceResult(check: string, board: ReadOnceReport['boards'][number], timeoutMs: number): CheckResult {
  const read = board.sensors.filter((sensor) => sensor.reading !== undefined);
  const values = read.map((sensor) => `${sensor.name} ${String(sensor.reading!.value)}${sensor.unit ? ` ${sensor.unit}` : ''}`).join(', ');
  const problems = Object.entries(board.problems).map(([kind, count]) => `${kind} ×${count}`).join(', ');
  const problemNote = problems === '' ? '' : ` (bad input: ${problems})`;
  if (board.error !== undefined) return fail(check, board.error, 'check the port, the cable and the device\'s power');
  if (read.length === board.sensors.length) return pass(check, values);
  const missing = board.sensors.filter((sensor) => sensor.reading === undefined).map((sensor) => sensor.name).join(', ');
  if (read.length > 0) return warn(check, `${values}; nothing from ${missing} within ${timeoutMs / 1000} s${problemNote}`, 'check those sensors\' options (field, key, address) against what the device sends');
  const advice =
    problems === ''
      ? `nothing arrived within ${timeoutMs / 1000} s: check the device's power and wiring (TX to RX), and device.baud`
      : 'data arrived but none of it was valid: check device.baud and device.type against the device\'s datasheet';
  return fail(check, `no valid reading within ${timeoutMs / 1000} s${problemNote}`, advice);
}
