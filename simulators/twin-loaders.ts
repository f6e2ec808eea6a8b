/**
 * The bundled twins, each loaded when first needed: validating a config that names no twin
 * loads none, and one that names a weather station loads only that one. `registry.ts` holds
 * the same twins loaded at once, for the library and `simulate`; a test keeps the two lists equal.
 */
import type { TwinDefinition } from '../src/index.js';

const loaders: Record<string, () => Promise<TwinDefinition>> = {
  'weather-station': async () => (await import('./devices/weather-station.js')).weatherStationSimulator,
  sds011: async () => (await import('./devices/sds011.js')).sds011Simulator,
  'firmata-board': async () => (await import('./devices/firmata-board.js')).firmataBoardSimulator,
  mhz19: async () => (await import('./devices/mhz19.js')).mhz19Simulator,
  'modbus-rtu': async () => (await import('./devices/modbus-rtu.js')).modbusRtuSimulator,
  'nmea-gps': async () => (await import('./devices/nmea-gps.js')).nmeaGpsSimulator,
  maxbotix: async () => (await import('./devices/maxbotix.js')).maxbotixSimulator,
  pms5003: async () => (await import('./devices/pms5003.js')).pms5003Simulator,
  firmware: async () => (await import('./firmware/twin.js')).firmwareSimulator,
};

/** The bundled twins' names, without loading any. */
export const bundledTwinNames: readonly string[] = Object.keys(loaders);

/**
 * The bundled twins of these names; all of them when a name is not one (the config's error
 * then lists every twin it could have named) or when no names are given.
 */
export async function loadBundledTwins(names?: readonly string[]): Promise<Record<string, TwinDefinition>> {
  const wanted = names === undefined || names.some((name) => !Object.hasOwn(loaders, name)) ? bundledTwinNames : [...new Set(names)];
  const definitions = await Promise.all(wanted.map((name) => loaders[name]!()));
  return Object.fromEntries(wanted.map((name, index) => [name, definitions[index]!]));
}

/**
 * The twin names a config's boards give under `simulator.device`, read from its raw value
 * (before validation); undefined when there is no config to read (validation will say why,
 * with every twin known).
 */
export function twinNamesInConfig(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const boards = (raw as { boards?: unknown } | null)?.boards;
  if (!Array.isArray(boards)) return [];
  return boards.flatMap((board: unknown) => {
    const simulator = (board as { simulator?: unknown } | null)?.simulator;
    if (simulator === undefined) return [];
    const device = (simulator as { device?: unknown } | null)?.device;
    // Without a device name (an error, or a twin named by another key, as `firmware: weather-station`
    // names the firmware twin): every twin is loaded, so the twin is found or the error lists them all.
    return [typeof device === 'string' ? device : ''];
  });
}

/** Whether a config's boards give a `piSimulator`, read from its raw value (before validation). */
export function piSimulatorInConfig(raw: unknown): boolean {
  const boards = (raw as { boards?: unknown } | null | undefined)?.boards;
  return Array.isArray(boards) && boards.some((board: unknown) => (board as { piSimulator?: unknown } | null)?.piSimulator !== undefined);
}
