/** The bundled twins and the simulated Pi behind the runtime's link sources: see simulation-with.ts. */
import { hardwareCatalog, type Catalog } from '../src/index.js';
import { simulatorRegistry } from './registry.js';
import { simulationWith, type Simulation } from './simulation-with.js';

export type { Simulation } from './simulation-with.js';

/** Every bundled twin and the simulated Pi over `base` (the built-in drivers and real links by default). */
export function createSimulation(base: Catalog = hardwareCatalog): Simulation {
  return simulationWith(simulatorRegistry, base);
}
