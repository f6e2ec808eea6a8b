/**
 * Check 3: each board's serial port exists, is a character device, may be opened by this
 * user, and is not held by another program (opened with the node's own serial code, then
 * closed). What to do about a denied port comes from the serial transport's explanation.
 */
import { statSync, type Stats } from 'node:fs';
import type { BoardConfig, NodeConfig } from '../config/schema.js';
import { TransportError } from '../core/errors.js';
import { modeAllows, type Identity } from '../ports/access.js';
import { explainOpenError } from '../transports/serial-errors.js';
import { SerialTransport } from '../transports/serial.js';
import { fail, pass, reasonOf, warn, type CheckResult } from './report.js';

/** One result per board (its port, or `simulated`, or none for boards without a serial link), and the boards whose port failed. */
export async function checkPorts(config: NodeConfig, identity: Identity, runningPid: number | null | undefined): Promise<{ results: CheckResult[]; failed: Set<string> }> {
  const results: CheckResult[] = [];
  const failed = new Set<string>();
  for (const board of config.boards) {
    if (board.port !== undefined) {
      const result = await checkPort(board, board.port, identity, runningPid);
      results.push(result);
      if (result.status === 'fail') failed.add(board.id);
    } else if (board.simulator !== undefined) results.push(pass(`port of ${board.id}`, `simulated (${board.simulator.device})`));
  }
  return { results, failed };
}

async function checkPort(board: BoardConfig, path: string, identity: Identity, runningPid: number | null | undefined): Promise<CheckResult> {
  const check = `port ${path} (${board.id})`;
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return explained(check, explainOpenError(path, error as Error));
  }
  if (!stats.isCharacterDevice()) return fail(check, `${path} is not a serial device`, 'point the board\'s port at the adapter\'s device: ls -l /dev/serial/by-id/ lists attached USB-serial adapters');
  if (!modeAllows(stats, identity)) {
    const denied = Object.assign(new Error(`EACCES: Permission denied, cannot open ${path}`), { code: 'EACCES' });
    return explained(check, explainOpenError(path, denied));
  }
  const transport = new SerialTransport({ path, baudRate: board.device.baud ?? 9600, hupcl: board.hupcl, watchDevice: false });
  try {
    await transport.start();
  } catch (error) {
    // The running node holds its own ports: that is no fault.
    if (runningPid !== undefined && /in use/.test((error as Error).message)) {
      return warn(check, `held by the running node${runningPid === null ? '' : ` (PID ${runningPid})`}`, 'stop the node for a full check of this port');
    }
    return error instanceof TransportError ? explained(check, error) : fail(check, `cannot open ${path}: ${reasonOf(error)}`, 'check the adapter and its cable');
  } finally {
    await transport.stop();
  }
  return pass(check, 'a character device this user may open, and free');
}

/** The explanation's finding as the detail, its hint as the advice (the message carries both). */
function explained(check: string, error: TransportError): CheckResult {
  const { hint } = error;
  if (hint === undefined) return fail(check, error.message, 'check the adapter, its cable and the port in the config');
  return fail(check, error.message.slice(0, error.message.length - hint.length - 2), hint);
}
