/**
 * What a reload may change. Boards, batching, encoding, commands and Home Assistant are read
 * while the node runs and can be swapped; the node's identity, its broker, its data directory,
 * outbox, local server, plugins and clock are held from start to stop (the outbox file and its
 * boot epoch, the broker session and its sequence numbers, a listening socket, loaded code, the
 * trust learnt in the wall clock and the readings held until then), so a change to them is
 * refused with its path: it needs a restart.
 */
import type { NodeConfig } from '../config/schema.js';

export const RESTART_ONLY_KEYS = ['node', 'broker', 'dataDir', 'outbox', 'http', 'plugins', 'clock'] as const;

/** Every path under a restart-only key whose value differs between the running and the new config. */
export function restartOnlyChanges(running: NodeConfig, next: NodeConfig): { path: string; message: string }[] {
  const paths: string[] = [];
  for (const key of RESTART_ONLY_KEYS) changedPaths((running as Record<string, unknown>)[key], (next as Record<string, unknown>)[key], key, paths);
  return paths.map((path) => ({ path, message: 'changed: needs a restart (fieldnode reads this only when it starts)' }));
}

function changedPaths(before: unknown, after: unknown, path: string, found: string[]): void {
  if (isRecord(before) && isRecord(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) changedPaths(before[key], after[key], `${path}.${key}`, found);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, index) => changedPaths(item, after[index], `${path}[${index}]`, found));
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) found.push(path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The config with a board's device polled every `intervalMs`, or one sensor throttled to one
 * reading per `intervalMs` (a `throttle` filter, replacing any it had, appended after its
 * other filters so it limits what they let through). Throws the reason a board cannot take it.
 */
export function withInterval(config: NodeConfig, change: { board: string; sensor?: string | undefined; intervalMs: number }): unknown {
  const index = config.boards.findIndex((board) => board.id === change.board);
  const board = config.boards[index];
  if (!board) throw new Error(`no board "${change.board}"; boards: ${config.boards.map((known) => known.id).join(', ')}`);
  let changed: Record<string, unknown>;
  if (change.sensor === undefined) {
    if (!('intervalMs' in board.device)) {
      throw new Error(`board ${board.id}: a ${board.device.type} device has no intervalMs (it reports at its own pace); give a sensor to throttle one of its readings instead`);
    }
    changed = { ...board, device: { ...board.device, intervalMs: change.intervalMs } };
  } else {
    const sensorIndex = board.sensors.findIndex((sensor) => sensor.name === change.sensor);
    if (sensorIndex < 0) throw new Error(`board ${board.id} has no sensor "${change.sensor}"; sensors: ${board.sensors.map((sensor) => sensor.name).join(', ')}`);
    const sensors = board.sensors.map((sensor, position) => {
      if (position !== sensorIndex) return sensor;
      const filters = ((sensor as { filters?: unknown[] }).filters ?? []).filter((filter) => !(isRecord(filter) && 'throttle' in filter));
      return { ...sensor, filters: [...filters, { throttle: { intervalMs: change.intervalMs } }] };
    });
    changed = { ...board, sensors };
  }
  return { ...config, boards: config.boards.map((item, position) => (position === index ? changed : item)) };
}
