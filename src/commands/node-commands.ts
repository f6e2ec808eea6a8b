/**
 * The verbs a node answers beside `rebirth` (which the session keeps): `ping`, `read-now`,
 * `set-interval`, `get-config` and `reload-config`. Each argument is a strict object; the
 * session checks the allow-list, the reply topic and the payload before a verb runs.
 * Verbs that change the node run one at a time: a second is refused as busy, never queued.
 */
import { z } from 'zod';
import type { BoardSet } from '../boards/board-set.js';
import type { NodeConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Reading } from '../core/reading.js';
import { CommandRefusal, type CommandVerb, type CommandVerbs } from '../uplink/commands.js';
import type { ConfigSource } from './config-source.js';
import { redactConfig } from './redact.js';
import { restartOnlyChanges, withInterval } from './reload-rules.js';

export interface NodeControl {
  readonly boot: number;
  readonly version: string;
  readonly clock: Clock;
  /** The config running now. */
  config(): NodeConfig;
  readonly boards: BoardSet;
  readonly source: ConfigSource;
  /** A new config runs: the node keeps it and the session republishes its births. */
  applied(config: NodeConfig): void;
}

/** `read-now` waits this long for a reading unless told otherwise, and never longer than the most. */
export const READ_NOW_DEFAULT_TIMEOUT_MS = 10_000;
export const READ_NOW_MAX_TIMEOUT_MS = 60_000;
/** Readers waiting at once, at most: each holds a listener and a timer until its reading comes. */
const MAX_READ_NOW_WAITING = 8;
/**
 * Boards swapped at most this often: each swap closes and reopens every port, so a stream of
 * accepted changes (a script gone wrong, or an attacker with the allow-list on its side) must
 * still leave the boards time to read.
 */
export const MIN_SWAP_INTERVAL_MS = 1000;
/** A config sent in `reload-config`, at most (the same order as a config file worth sending over MQTT). */
export const MAX_RELOAD_TEXT_BYTES = 64 * 1024;

const name = z.string().min(1).max(64);

const pingArgument = z.strictObject({});
const readNowArgument = z.strictObject({
  board: name,
  sensor: name,
  timeoutMs: z.number().int().min(1).max(READ_NOW_MAX_TIMEOUT_MS).default(READ_NOW_DEFAULT_TIMEOUT_MS),
});
const setIntervalArgument = z.strictObject({
  board: name,
  sensor: name.optional(),
  intervalMs: z.number().int().min(100).max(86_400_000),
});
const getConfigArgument = z.strictObject({});
const reloadArgument = z.strictObject({
  config: z.string().min(1).max(MAX_RELOAD_TEXT_BYTES).optional().describe('the new config, YAML or JSON; absent: the file the node was started from'),
});

export function nodeCommands(control: NodeControl): CommandVerbs {
  const startedAt = control.clock.monotonic();
  let readersWaiting = 0;
  let changing = false;
  let lastSwapAt = Number.NEGATIVE_INFINITY;

  /** Runs a change of config alone; a second one meanwhile is refused as busy. */
  async function exclusively<T>(change: () => Promise<T>): Promise<T> {
    if (changing) throw new CommandRefusal('busy: another set-interval or reload-config is being applied', 'busy');
    changing = true;
    try {
      return await change();
    } finally {
      changing = false;
    }
  }

  /** Checks what a reload may change, swaps the boards, and keeps the config; the old boards run again if the new ones fail. */
  async function apply(next: NodeConfig): Promise<Record<string, unknown>> {
    const restart = restartOnlyChanges(control.config(), next);
    if (restart.length > 0) throw new CommandRefusal(`${restart.length} change(s) need a restart; nothing was changed`, 'command-refused', restart);
    const summary = { boards: next.boards.map((board) => board.id), sensors: next.boards.reduce((sum, board) => sum + board.sensors.length, 0) };
    // The same config again: nothing to swap, and no port is closed for nothing.
    if (JSON.stringify(next) === JSON.stringify(control.config())) return { applied: false, unchanged: true, ...summary };
    const now = control.clock.monotonic();
    if (now - lastSwapAt < MIN_SWAP_INTERVAL_MS) throw new CommandRefusal(`busy: the boards were changed less than ${MIN_SWAP_INTERVAL_MS} ms ago; try again later`, 'busy');
    lastSwapAt = now;
    try {
      await control.boards.replace(next);
    } catch (error) {
      throw new CommandRefusal(`the new boards did not start, the previous ones run again: ${(error as Error).message}`);
    }
    control.applied(next);
    return { applied: true, ...summary };
  }

  const ping: CommandVerb<z.infer<typeof pingArgument>> = {
    argument: pingArgument,
    run: () => ({ pong: true, boot: control.boot, version: control.version, uptimeSeconds: Math.floor((control.clock.monotonic() - startedAt) / 1000), time: control.clock.now() }),
  };

  const readNow: CommandVerb<z.infer<typeof readNowArgument>> = {
    argument: readNowArgument,
    run: async ({ board: boardId, sensor, timeoutMs }) => {
      if (!control.boards.boards.has(boardId)) throw new CommandRefusal(`no board "${boardId}"; boards: ${[...control.boards.boards.keys()].join(', ')}`);
      const sensors = control.config().boards.find((item) => item.id === boardId)?.sensors.map((item) => item.name) ?? [];
      if (!sensors.includes(sensor)) throw new CommandRefusal(`board ${boardId} has no sensor "${sensor}"; sensors: ${sensors.join(', ')}`);
      if (readersWaiting >= MAX_READ_NOW_WAITING) throw new CommandRefusal(`busy: ${MAX_READ_NOW_WAITING} read-now requests are waiting`, 'busy');
      readersWaiting++;
      try {
        const reading = await nextReading(control.boards, boardId, sensor, timeoutMs, control.clock);
        return { board: boardId, name: reading.name, value: reading.value, ...(reading.unit !== undefined ? { unit: reading.unit } : {}), time: reading.time };
      } finally {
        readersWaiting--;
      }
    },
  };

  const setInterval: CommandVerb<z.infer<typeof setIntervalArgument>> = {
    argument: setIntervalArgument,
    changesNode: true,
    run: (change) =>
      exclusively(async () => {
        let raw: unknown;
        try {
          raw = withInterval(control.config(), change);
        } catch (error) {
          throw new CommandRefusal((error as Error).message);
        }
        const next = validated(() => control.source.fromObject(raw));
        return { ...(await apply(next)), board: change.board, ...(change.sensor ? { sensor: change.sensor } : {}), intervalMs: change.intervalMs };
      }),
  };

  const getConfig: CommandVerb<z.infer<typeof getConfigArgument>> = {
    argument: getConfigArgument,
    run: () => ({ config: redactConfig(control.config()) as Record<string, unknown> }),
  };

  const reloadConfig: CommandVerb<z.infer<typeof reloadArgument>> = {
    argument: reloadArgument,
    changesNode: true,
    // The text travels JSON-escaped: room for the escapes besides the text itself.
    maxPayloadBytes: MAX_RELOAD_TEXT_BYTES * 2,
    run: ({ config }) =>
      exclusively(async () => {
        const next = await validatedAsync(() => (config === undefined ? control.source.fromFile() : control.source.fromText(config)));
        return { ...(await apply(next)), from: config === undefined ? 'file' : 'request' };
      }),
  };

  return { ping, 'read-now': readNow, 'set-interval': setInterval, 'get-config': getConfig, 'reload-config': reloadConfig };
}

/**
 * The next reading of `sensor` on board `boardId` as its device gave it (before the sensor's
 * filters, which may hold it back), asking a polling driver to read at once. It follows the
 * board through a reload meanwhile.
 */
function nextReading(boards: BoardSet, boardId: string, sensor: string, timeoutMs: number, clock: Clock): Promise<Reading> {
  return new Promise<Reading>((resolve, reject) => {
    const unsubscribe = boards.onReading((id, reading) => {
      if (id !== boardId || reading.name !== sensor) return;
      finish();
      resolve(reading);
    });
    const timer = clock.setTimeout(() => {
      finish();
      reject(new CommandRefusal(`no reading of ${sensor} within ${timeoutMs} ms`));
    }, timeoutMs);
    function finish() {
      unsubscribe();
      clock.clearTimeout(timer);
    }
    boards.readNow(boardId);
  });
}

/** A config's problems as a refusal that lists each with its path; the running node is untouched. */
function asRefusal(error: unknown): never {
  if (error instanceof ConfigError) throw new CommandRefusal(`the new config has ${error.problems.length} problem(s); nothing was changed`, 'command-refused', error.problems);
  throw new CommandRefusal(`the new config cannot be read: ${(error as Error).message}; nothing was changed`);
}

function validated(check: () => NodeConfig): NodeConfig {
  try {
    return check();
  } catch (error) {
    return asRefusal(error);
  }
}

async function validatedAsync(check: () => Promise<NodeConfig>): Promise<NodeConfig> {
  try {
    return await check();
  } catch (error) {
    return asRefusal(error);
  }
}
