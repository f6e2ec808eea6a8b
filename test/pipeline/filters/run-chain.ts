import { VirtualClock } from '../../../src/core/clock.js';
import { ProblemCounter } from '../../../src/core/problems.js';
import type { Reading } from '../../../src/core/reading.js';
import { buildChain, type FilterChain } from '../../../src/pipeline/filters/chain.js';
import { filtersSchema, type FilterConfig } from '../../../src/pipeline/filters/schema.js';
import { memoryLogger } from '../../support/memory-logger.js';

export const START = Date.UTC(2026, 5, 1);

/** What a chain sent: when (virtual monotonic ms), under which name, what value. */
export type Sent = [atMs: number, name: string, value: Reading['value']];

/** A chain of `filters` (as the config gives them, defaults filled in by the schema) on virtual time. */
export function chainOf(filters: unknown[], sensor = { name: 'level', unit: 'm' as string | undefined }) {
  const clock = new VirtualClock(START);
  const logger = memoryLogger();
  const problems = new ProblemCounter(logger, clock);
  const readings: Reading[] = [];
  const sentAt: number[] = [];
  const parsed = filtersSchema.parse(filters) as FilterConfig[];
  const emit = (reading: Reading) => {
    readings.push(reading);
    sentAt.push(clock.monotonic());
  };
  const chain: FilterChain = buildChain(parsed, emit, { clock, logger, problems, sensor });
  const reading = (value: Reading['value']): Reading => ({ name: sensor.name, unit: sensor.unit, value, time: clock.now(), monotonic: clock.monotonic() });
  return {
    clock,
    logger,
    problems,
    chain,
    readings,
    push: (value: Reading['value']) => chain.push(reading(value)),
    /** [virtual ms when it was sent, name, value] of everything sent so far. */
    sent: (): Sent[] => readings.map((sent, index) => [sentAt[index]!, sent.name, sent.value]),
    values: () => readings.map((sent) => sent.value),
  };
}

/** Feeds `[atMs, value]` events in time order on the chain's virtual clock, then runs it on to `untilMs`. */
export function play(filters: unknown[], events: [number, Reading['value']][], untilMs = events.at(-1)?.[0] ?? 0) {
  const run = chainOf(filters);
  for (const [at, value] of events) {
    run.clock.advance(at - run.clock.monotonic());
    run.push(value);
  }
  run.clock.advance(untilMs - run.clock.monotonic());
  return run;
}
