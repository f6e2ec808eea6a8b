/**
 * The flood at the weir (boards/scenario-flood.yaml, its devices as simulators/scenarios/
 * flood.yaml sets them up) run on virtual time with in-process twins, each board's packs
 * encoded as the node sends them: what a cellular link would carry through a flood, with or
 * without filters on its sensors.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BoardRuntime } from '../../src/boards/board-runtime.js';
import { encodePack } from '../../src/codec/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import { CorrectedClock } from '../../src/core/corrected-clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Reading } from '../../src/core/reading.js';
import { baseName } from '../../src/uplink/topics.js';
import { loadScenario, scenarioPath } from '../../simulators/scenario.js';
import { createSimulation } from '../../simulators/simulation.js';
import { validateSimulated } from './simulated-node.js';

export const FLOOD_START = Date.UTC(2026, 2, 14, 18);

export interface FloodOptions {
  /** Filters by sensor name, as a config gives them. */
  readonly filters?: Readonly<Record<string, unknown[]>>;
  readonly hours: number;
  /** The sonar's reading interval: its 150 ms free run would make hours of flood millions of readings. */
  readonly levelIntervalMs: number;
}

export interface FloodRun {
  /** The readings that left each board (after its filters), by board id, in the order sent. */
  readonly sent: Readonly<Record<string, Reading[]>>;
  /** SenML-CBOR bytes of the packs of each board. */
  readonly bytes: Readonly<Record<string, number>>;
  readonly packs: number;
}

export async function runFlood(options: FloodOptions): Promise<FloodRun> {
  const raw = parse(readFileSync('boards/scenario-flood.yaml', 'utf8')) as { node: { id: string }; boards: Record<string, unknown>[] };
  const scenario = loadScenario(scenarioPath('flood'));
  for (const board of raw.boards) {
    const device = scenario.devices.find((entry) => entry.id === board['id'])!;
    delete board['port'];
    board['simulator'] = { device: device.device, ...device.options, ...(board['id'] === 'level' ? { intervalMs: options.levelIntervalMs } : {}) };
    for (const sensor of board['sensors'] as Record<string, unknown>[]) {
      const filters = options.filters?.[sensor['name'] as string];
      if (filters) sensor['filters'] = filters;
    }
  }
  const config = validateSimulated(raw);
  const clock = new VirtualClock(FLOOD_START);
  const corrected = new CorrectedClock(clock, silentLogger);
  const simulation = createSimulation();
  const sent: Record<string, Reading[]> = {};
  const bytes: Record<string, number> = {};
  let packs = 0;
  const boards = config.boards.map((board, index) => {
    sent[board.id] = [];
    bytes[board.id] = 0;
    const onBatch = (readings: Reading[]) => {
      sent[board.id]!.push(...readings);
      bytes[board.id]! += encodePack(readings, baseName(config.node.id, board.id)).length;
      packs++;
    };
    return new BoardRuntime({ board, index, catalog: simulation.catalog, clock: corrected, logger: silentLogger, batching: config.batching, onBatch });
  });
  for (const board of boards) await board.start();
  const stepMs = 1000;
  for (let elapsed = 0; elapsed < options.hours * 3_600_000; elapsed += stepMs) {
    clock.advance(stepMs);
    // The twins' bytes reach their drivers through the mock serial binding, a turn of the event loop later.
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const board of boards) await board.stop();
  if (clock.pendingTimers() !== 0) throw new Error(`${clock.pendingTimers()} timers left after the boards stopped`);
  return { sent, bytes, packs };
}
