import type { Reading } from '../../core/reading.js';
import { buildChain, type FilterChain } from './chain.js';
import type { FilterConfig } from './schema.js';
import type { Emit, StageContext } from './stage.js';

/** A sensor as the validated config has it (name, unit, its filters among its options). */
interface ConfiguredSensor {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly [option: string]: unknown;
}

/**
 * A board's filter chains by sensor name (a driver's readings are named after their sensor),
 * or undefined when no sensor has filters: then readings go straight on and cost no look-up.
 */
export function sensorChains(sensors: readonly ConfiguredSensor[], context: Omit<StageContext, 'sensor'>, emit: Emit): Map<string, FilterChain> | undefined {
  let chains: Map<string, FilterChain> | undefined;
  for (const sensor of sensors) {
    const filters = sensor['filters'] as readonly FilterConfig[] | undefined;
    if (!filters || filters.length === 0) continue;
    chains ??= new Map();
    chains.set(sensor.name, buildChain(filters, emit, { ...context, sensor: { name: sensor.name, unit: sensor.unit } }));
  }
  return chains;
}

/** A reading through its sensor's chain, or straight to `emit` for a sensor without filters. */
export function pushThrough(chains: ReadonlyMap<string, FilterChain> | undefined, reading: Reading, emit: Emit): void {
  const chain = chains?.get(reading.name);
  if (chain) chain.push(reading);
  else emit(reading);
}

export function stopChains(chains: ReadonlyMap<string, FilterChain> | undefined): void {
  if (chains) for (const chain of chains.values()) chain.stop();
}
