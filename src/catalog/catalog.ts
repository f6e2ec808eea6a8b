/**
 * What a running fieldnode knows: the drivers a config may name, the twins it may simulate
 * boards with, and where its links come from. The composition root (the command line, or a
 * test) assembles one; the runtime only reads it, so it never imports the simulators.
 */
import type { z } from 'zod';
import type { DriverDefinition } from '../drivers/driver.js';
import { driverRegistry } from '../drivers/registry.js';
import type { LinkSources } from '../transports/link-sources.js';
import { realLinkSources } from '../transports/real-link-sources.js';
import type { TwinDefinition } from './twin.js';

export interface Catalog {
  /** Keyed by `boards[].device.type`. */
  readonly drivers: Readonly<Record<string, DriverDefinition>>;
  /** Keyed by `boards[].simulator.device`; empty when no simulators are registered. */
  readonly twins: Readonly<Record<string, TwinDefinition>>;
  /** The options of `boards[].piSimulator`, when a simulated Pi is registered. */
  readonly piSimulatorShape?: z.ZodRawShape;
  /**
   * Why there are no twins and no simulated Pi, when they were left out on purpose (a node whose
   * config named none runs without them): a board that names one is refused with this reason.
   */
  readonly simulatorsLeftOut?: string;
  readonly links: LinkSources;
}

/** The built-in drivers on real hardware only: what a node runs with when nothing else is registered. */
export const hardwareCatalog: Catalog = { drivers: driverRegistry, twins: {}, links: realLinkSources };

/** The driver a config names, or undefined (validation has said so already). */
export function driverIn(catalog: Catalog, type: unknown): DriverDefinition | undefined {
  return typeof type === 'string' && Object.hasOwn(catalog.drivers, type) ? catalog.drivers[type] : undefined;
}

/** The twin a config names, or undefined. */
export function twinIn(catalog: Catalog, device: unknown): TwinDefinition | undefined {
  return typeof device === 'string' && Object.hasOwn(catalog.twins, device) ? catalog.twins[device] : undefined;
}
