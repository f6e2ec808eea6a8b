/** Builds the one link a board's device needs, typed by what its driver declared. */
import type { DriverDefinition } from '../drivers/driver.js';
import { FirmataLink } from '../transports/firmata.js';
import type { BytesLink, HostLink, PinsLink } from '../transports/link.js';
import { PiHeaderLink } from '../transports/pi/header-link.js';
import { PiHostLink } from '../transports/pi/host-link.js';
import { twinIn, type Catalog } from '../catalog/catalog.js';
import type { BoardConfig } from '../config/board-schema.js';
import type { LinkRequest } from '../transports/link-sources.js';

/** A link request for a validated board: the sources read its link keys, the runtime its device too. */
export type BoardLinkRequest = LinkRequest & { readonly board: BoardConfig };

export type TypedLink = { readonly kind: 'bytes'; readonly link: BytesLink } | { readonly kind: 'pins'; readonly link: PinsLink } | { readonly kind: 'host'; readonly link: HostLink };

/** StandardFirmata's rate; sketches and most serial sensors say their own. */
const FIRMATA_BAUD = 57600;

/** The serial rate of a board: as configured, else its twin's, else its device's own. */
export function baudRateOf(request: BoardLinkRequest, driver: DriverDefinition, catalog: Catalog): number {
  const { board } = request;
  return board.device.baud ?? twinIn(catalog, board.simulator?.device)?.defaultBaud ?? (driver.link === 'bytes' ? driver.defaultBaud : FIRMATA_BAUD);
}

/**
 * A bytes device reads a serial port; a pin device a Firmata board on a serial port when the
 * board has one (or its twin), else the Pi's header; a host device the Pi's own files.
 */
export function openLink(driver: DriverDefinition, request: BoardLinkRequest, catalog: Catalog): TypedLink {
  const { board } = request;
  const sources = catalog.links;
  const twin = twinIn(catalog, board.simulator?.device);
  const { device: _device, ...twinOptions } = board.simulator ?? { device: '' };
  const serialPort = () =>
    sources.serialPort({ ...request, baudRate: baudRateOf(request, driver, catalog), twin: twin && ((link, clock) => twin.create(twinOptions, link, clock)) });
  switch (driver.link) {
    case 'bytes':
      return { kind: 'bytes', link: serialPort() };
    case 'host':
      return { kind: 'host', link: new PiHostLink(sources.pi(request)) };
    case 'pins': {
      if (board.port !== undefined || board.simulator !== undefined) return { kind: 'pins', link: new FirmataLink(serialPort(), request.logger) };
      const pi = sources.pi(request);
      return {
        kind: 'pins',
        link: new PiHeaderLink({
          chips: pi.gpio,
          chip: board.gpio?.chip ?? 'auto',
          pollIntervalMs: board.gpio?.pollIntervalMs ?? 2,
          clock: request.clock,
          logger: request.logger,
          ...(pi.companion ? { companion: pi.companion } : {}),
        }),
      };
    }
  }
}
