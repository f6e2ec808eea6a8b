/**
 * What the wizard offers for a detected serial port: the name to write (by-id first, as it
 * survives replugging), what it was recognised as, the device types that can sit on it and
 * the baud rate to start from.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { LoadedBoardProfile } from '../boards/load.js';
import type { DriverDefinition } from '../drivers/driver.js';
import type { DiscoveredPort } from '../ports/discover.js';

/** The path a config should name: by-id survives replugs and renumbering, by-path a second identical clone. */
export function preferredPath(port: DiscoveredPort): string {
  return port.byId ?? port.byPath ?? port.path;
}

/** What a port was recognised as, in words (`Arduino Uno R3 or Arduino Nano`), or undefined. */
export function recognisedAs(port: DiscoveredPort): string | undefined {
  const names = port.identifiedAs.map((identity) => identity.name);
  return names.length > 0 ? names.join(' or ') : undefined;
}

/** One line for the list of ports: its path, what it is, and why it cannot be opened yet. */
export function portLine(port: DiscoveredPort): string {
  const what = recognisedAs(port) ?? ([port.manufacturer, port.product].filter(Boolean).join(' ') || 'unrecognised device');
  const alias = preferredPath(port) === port.path ? '' : ` (${port.path})`;
  const access = port.access.canOpen ? '' : `\n      cannot be opened yet: ${port.access.advice ?? 'permission denied'}`;
  return `${preferredPath(port)}${alias}: ${what}${access}`;
}

/** The board profiles a port was recognised as (an Arduino clone may be several). */
export function profilesOf(port: DiscoveredPort | undefined, profiles: readonly LoadedBoardProfile[]): LoadedBoardProfile[] {
  const ids = new Set((port?.identifiedAs ?? []).filter((identity) => identity.kind === 'board').map((identity) => identity.id));
  return profiles.filter((profile) => ids.has(profile.id));
}

/**
 * The drivers a device on this port may use: every serial (`bytes`) driver, and on a board
 * that runs StandardFirmata the pin drivers too. On a recognised board, what its sketches speak
 * comes first (`lines` for a line sketch, then the pin drivers).
 */
export function driversForPort(port: DiscoveredPort | undefined, catalog: Catalog, profiles: readonly LoadedBoardProfile[]): DriverDefinition[] {
  const drivers = Object.values(catalog.drivers);
  const bytes = drivers.filter((driver) => driver.link === 'bytes');
  const pins = drivers.filter((driver) => driver.link === 'pins');
  const boards = profilesOf(port, profiles);
  const speaks = (protocol: string) => boards.some((profile) => profile.sketches.some((sketch) => sketch.protocol === protocol));
  if (boards.length === 0) return [...bytes, ...pins];
  const first = [...(speaks('lines') ? bytes.filter((driver) => driver.type === 'lines') : []), ...(speaks('firmata') ? pins : [])];
  return [...first, ...drivers.filter((driver) => driver.link !== 'host' && !first.includes(driver))];
}

/**
 * The baud rate to offer: a recognised board's sketch rate for what it runs (its default
 * sketch for `lines`, StandardFirmata's for pin drivers), else the device's own rate.
 * Undefined for pin drivers on an unrecognised port: the runtime's Firmata rate applies.
 */
export function defaultBaud(driver: DriverDefinition, port: DiscoveredPort | undefined, profiles: readonly LoadedBoardProfile[]): number | undefined {
  const boards = profilesOf(port, profiles);
  if (driver.link === 'pins') return boards.flatMap((profile) => profile.sketches).find((sketch) => sketch.protocol === 'firmata')?.baud;
  if (driver.link !== 'bytes') return undefined;
  if (driver.type === 'lines') return boards.find((profile) => profile.serial)?.serial?.defaultBaud ?? driver.defaultBaud;
  return driver.defaultBaud;
}
