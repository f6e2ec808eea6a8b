/**
 * Filters: what delta + heartbeat save a node through a flood (SenML-CBOR bytes of its packs,
 * on virtual time), and how many readings a second a chain of filters takes on one core.
 */
import { VirtualClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { ProblemCounter } from '../src/core/problems.js';
import type { Reading } from '../src/core/reading.js';
import { buildChain } from '../src/pipeline/filters/chain.js';
import { filtersSchema, type FilterConfig } from '../src/pipeline/filters/schema.js';
import { runFlood } from '../test/support/flood-run.js';
import { printTable } from './support.js';

const FLOOD = { hours: 6, levelIntervalMs: 5000 };
const DELTA_AND_HEARTBEAT = {
  level: [{ delta: { absolute: 0.02 } }, { heartbeat: { intervalMs: 300_000 } }],
  range: [{ delta: { absolute: 20 } }, { heartbeat: { intervalMs: 300_000 } }],
};

const CHAINS: Record<string, unknown[]> = {
  'multiply, round': [{ multiply: 0.001 }, { round: { decimals: 3 } }],
  'median of 5': [{ median: { window: 5 } }],
  'delta, heartbeat': DELTA_AND_HEARTBEAT.level,
  'calibrate, clamp, mean of 10, delta, heartbeat, timeout': [
    { calibrate_linear: [[0.1, 0.12], [2, 2.05]] },
    { clamp: { min: 0, max: 5 } },
    { mean: { window: 10 } },
    { delta: { absolute: 0.01 } },
    { heartbeat: { intervalMs: 60_000 } },
    { timeout: { afterMs: 120_000 } },
  ],
};

/** Readings a second through one chain: a noisy level, one reading each virtual 100 ms. */
function chainRate(filters: unknown[], readings: number): number {
  const clock = new VirtualClock();
  let sent = 0;
  const chain = buildChain(filtersSchema.parse(filters) as FilterConfig[], () => sent++, { clock, logger: silentLogger, problems: new ProblemCounter(silentLogger, clock), sensor: { name: 'level', unit: 'm' } });
  const started = performance.now();
  for (let index = 0; index < readings; index++) {
    clock.advance(100);
    const reading: Reading = { name: 'level', unit: 'm', value: 1 + Math.sin(index / 5000) + ((index * 7919) % 13) / 1000, time: clock.now(), monotonic: clock.monotonic() };
    chain.push(reading);
  }
  chain.stop();
  return readings / ((performance.now() - started) / 1000);
}

export async function runFilters(readings: number): Promise<void> {
  const plain = await runFlood(FLOOD);
  const filtered = await runFlood({ ...FLOOD, filters: DELTA_AND_HEARTBEAT });
  const total = (bytes: Record<string, number>) => Object.values(bytes).reduce((sum, value) => sum + value, 0);
  printTable(`flood at the weir, ${FLOOD.hours} h on virtual time: SenML-CBOR bytes sent`, [
    ['level board, no filters', String(plain.bytes['level']), `bytes, ${plain.sent['level']!.length} readings`],
    ['level board, delta + heartbeat', String(filtered.bytes['level']), `bytes, ${filtered.sent['level']!.length} readings (delta 2 cm / 20 mm, heartbeat 5 min)`],
    ['whole node, no filters', String(total(plain.bytes)), 'bytes'],
    ['whole node, level filtered', String(total(filtered.bytes)), 'bytes (the rain board unfiltered)'],
  ]);
  printTable(
    'filter chains, one core',
    Object.entries(CHAINS).map(([name, filters]) => [name, chainRate(filters, readings).toFixed(0), 'readings/s']),
  );
}
