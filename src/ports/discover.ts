/**
 * Every serial port of this machine, with what is plugged into it and whether this process
 * may open it: what `fieldnode ports` prints and what the init wizard offers to choose from.
 */
import { join } from 'node:path';
import { listBoardProfiles, profileForUsb, type LoadedBoardProfile } from '../boards/load.js';
import { portAccess, type Identity } from './access.js';
import { listSerialNames, realpathOrUndefined, serialLinks, sysfsDetails } from './sysfs-tty.js';
import { findUdevadm, queryUdevadm, udevDetails, type UdevPortDetails } from './udevadm.js';
import { chipsForUsb } from './usb-ids.js';

/** One thing a port's USB id says it is: a board profile, or a USB-serial chip or maker. */
export interface PortIdentity {
  readonly kind: 'board' | 'adapter';
  readonly id: string;
  readonly name: string;
}

/** A serial port as found: field names are stable, `fieldnode ports --json` prints them. */
export interface DiscoveredPort {
  /** The device node (`/dev/ttyUSB0`); it may change after a replug. */
  readonly path: string;
  /** `/dev/serial/by-id/...`: the name to put in a config, it survives replugging. */
  readonly byId?: string;
  /** `/dev/serial/by-path/...`: the physical USB socket, for identical adapters without serial numbers. */
  readonly byPath?: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  /** board profile ids and chip names this USB id is */
  readonly identifiedAs: readonly PortIdentity[];
  readonly access: { readonly canOpen: boolean; readonly advice?: string };
  /** The kernel driver bound to the port (ch341-uart, cp210x, ftdi_sio, cdc_acm...). */
  readonly driver?: string;
  /** Where the USB details come from: udev's database, or sysfs read directly. */
  readonly source: 'udevadm' | 'sysfs';
}

/** Where to look, for tests and for a tree copied from another machine. */
export interface DiscoverOptions {
  /** The sysfs mount: `/sys`. */
  sysRoot?: string;
  /** The device tree: `/dev`. */
  devRoot?: string;
  /** Ask udev when its `udevadm` is installed (the default); false reads sysfs only. */
  useUdevadm?: boolean;
  /** The udevadm program; looked for in `searchPath` when absent. */
  udevadm?: string;
  /** Where to look for udevadm (PATH-style); PATH and the sbin folders when absent. */
  searchPath?: string;
  /** Whose access to judge; this process when absent. */
  identity?: Identity;
  /** Board profiles to match USB ids against; the shipped boards/ when absent. */
  profiles?: readonly LoadedBoardProfile[];
}

/** Lists the serial ports, sorted by name; `notes` says what could not be read or used. */
export async function discoverPorts(options: DiscoverOptions = {}): Promise<{ ports: DiscoveredPort[]; notes: string[] }> {
  const sysRoot = options.sysRoot ?? '/sys';
  const devRoot = options.devRoot ?? '/dev';
  const notes: string[] = [];
  const udevadm = options.useUdevadm === false ? undefined : (options.udevadm ?? findUdevadm(options.searchPath));
  if (options.useUdevadm !== false && udevadm === undefined) {
    notes.push(`udevadm was not found: USB details were read from ${join(sysRoot, 'class', 'tty')} directly`);
  }
  const profiles = options.profiles ?? listBoardProfiles();
  const byId = serialLinks(devRoot, 'by-id');
  const byPath = serialLinks(devRoot, 'by-path');
  const names = listSerialNames(sysRoot, devRoot, notes);
  const ports = await Promise.all(
    names.map(async (name): Promise<DiscoveredPort> => {
      const path = join(devRoot, name);
      const fromSysfs = sysfsDetails(sysRoot, name);
      const properties = udevadm === undefined ? undefined : await queryUdevadm(udevadm, path);
      const fromUdev: UdevPortDetails = properties === undefined ? {} : udevDetails(properties);
      const target = realpathOrUndefined(path);
      const details = {
        vendorId: fromUdev.vendorId ?? fromSysfs.vendorId,
        productId: fromUdev.productId ?? fromSysfs.productId,
        serialNumber: fromUdev.serialNumber ?? fromSysfs.serialNumber,
        manufacturer: fromUdev.manufacturer ?? fromSysfs.manufacturer,
        product: fromUdev.product ?? fromSysfs.product,
        driver: fromUdev.driver ?? fromSysfs.driver,
      };
      return withoutUndefined({
        path,
        byId: (target && byId.get(target)) ?? fromUdev.byId,
        byPath: (target && byPath.get(target)) ?? fromUdev.byPath,
        ...details,
        identifiedAs: identify(details.vendorId, details.productId, profiles),
        access: portAccess(path, options.identity),
        source: properties === undefined ? 'sysfs' : 'udevadm',
      });
    }),
  );
  return { ports, notes };
}

/** The boards whose profiles list this USB id (all of them for a shared chip), then the chip itself. */
export function identify(vendorId: string | undefined, productId: string | undefined, profiles: readonly LoadedBoardProfile[]): PortIdentity[] {
  if (vendorId === undefined || productId === undefined) return [];
  const boards = profileForUsb(vendorId, productId, profiles).map((profile): PortIdentity => ({ kind: 'board', id: profile.id, name: profile.name }));
  const chips = chipsForUsb(vendorId, productId, boards.length > 0).map((chip): PortIdentity => ({ kind: 'adapter', id: chip.id, name: chip.name }));
  return [...boards, ...chips];
}

/** JSON output and deep equality in tests should not carry keys whose value is absent. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
