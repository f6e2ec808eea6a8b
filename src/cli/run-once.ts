/**
 * `fieldnode run --once`: reads every sensor of a config once (or for `--duration`) and
 * prints what each gave, without an outbox or a broker. Exits 0 when every sensor answered,
 * 1 otherwise, so a technician or a CI job learns at once whether the wiring is right.
 */
import type { Catalog } from '../catalog/catalog.js';
import { defaultReadTimeoutMs, readBoards, type ReadOnceReport } from '../boards/read-once.js';
import { loadConfigWithPlugins } from '../config/plugins.js';
import type { Logger } from '../core/logger.js';
import { demoConfigPath } from '../package-root.js';
export { parseDuration } from './duration.js';
import { everySensorAnswered, formatReadingLine, formatReport, type SensorSpread } from './run-once-table.js';

export interface OnceFlags {
  /** Milliseconds to read for, from `--duration`. */
  readonly duration?: number;
  /** Milliseconds each board may take, from `--timeout`. */
  readonly timeout?: number;
  readonly json?: boolean;
}

/** Reads the config's boards, prints the report, and returns the exit status. */
export async function runOnce(configFile: string | undefined, flags: OnceFlags, logger: Logger, base: Catalog): Promise<number> {
  const { config, catalog } = await loadConfigWithPlugins(configFile ?? demoConfigPath(), base);
  const timeoutOf = (boardId: string) => {
    const board = config.boards.find((candidate) => candidate.id === boardId);
    return flags.duration ?? flags.timeout ?? (board ? defaultReadTimeoutMs(board) : 0);
  };
  const spreads = new Map<string, SensorSpread>();
  const report = await readBoards(config, {
    catalog,
    logger,
    ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
    ...(flags.duration !== undefined ? { durationMs: flags.duration } : {}),
    onReading: (boardId, reading) => {
      if (flags.duration === undefined) return;
      if (typeof reading.value === 'number') {
        const key = `${boardId}/${reading.name}`;
        const spread = spreads.get(key) ?? {};
        spread.min = Math.min(spread.min ?? reading.value, reading.value);
        spread.max = Math.max(spread.max ?? reading.value, reading.value);
        spreads.set(key, spread);
      }
      if (!flags.json) process.stdout.write(`${formatReadingLine(boardId, reading)}\n`);
    },
  });
  const ok = everySensorAnswered(report);
  if (flags.json) process.stdout.write(`${JSON.stringify(withSpreads(report, ok, spreads), null, 2)}\n`);
  else process.stdout.write(`${flags.duration !== undefined ? '\n' : ''}${formatReport(report, timeoutOf, flags.duration !== undefined ? spreads : undefined)}`);
  if (!ok) {
    const failed = report.boards.filter((board) => board.sensors.some((sensor) => sensor.reading === undefined)).map((board) => board.id);
    process.stderr.write(`fieldnode: ${failed.length} of ${report.boards.length} board(s) did not answer: ${failed.join(', ')}\n`);
  }
  return ok ? 0 : 1;
}

/** The report with `ok`, and each numeric sensor's min and max over a `--duration` read. */
function withSpreads(report: ReadOnceReport, ok: boolean, spreads: ReadonlyMap<string, SensorSpread>): object {
  return {
    ok,
    boards: report.boards.map((board) => ({
      ...board,
      sensors: board.sensors.map((sensor) => ({ ...sensor, ...spreads.get(`${board.id}/${sensor.name}`) })),
    })),
  };
}
