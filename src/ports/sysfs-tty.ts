/**
 * Serial ports and their USB details read from sysfs and the /dev tree directly, the way
 * udev itself finds them: `/sys/class/tty/<name>/device` leads to the port's hardware, and the
 * USB device above it holds `idVendor`, `idProduct`, `serial`, `manufacturer` and `product`.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Names of the serial device nodes a gateway can have (USB, on-board UARTs, Bluetooth, USB gadget). */
const SERIAL_NAME = /^(ttyUSB|ttyACM|ttyAMA|ttyS|ttyXRUSB|ttyGS|ttyAP|ttymxc|ttyO|ttyTHS|ttySC|ttyLP|rfcomm)\d+$/;

/** What sysfs says about one port's hardware. */
export interface SysfsPortDetails {
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  /** The kernel driver bound to the port (ch341-uart, cp210x, ftdi_sio, cdc_acm...). */
  readonly driver?: string;
}

/**
 * The names of the serial ports present: ttys with hardware behind them in sysfs, and serial
 * names in the /dev tree that sysfs does not list (a pty linked there, a tree without sysfs).
 * A PC's unused 8250 placeholders (ttyS1..31 on the serial8250 platform device) are left out.
 */
export function listSerialNames(sysRoot: string, devRoot: string, notes: string[]): string[] {
  const names = new Set<string>();
  const ttyClass = join(sysRoot, 'class', 'tty');
  for (const name of listDirectory(ttyClass, notes)) {
    const device = join(ttyClass, name, 'device');
    if (!existsSync(device)) continue;
    if (basename(realpathOrSelf(device)) === 'serial8250') continue;
    names.add(name);
  }
  for (const name of listDirectory(devRoot, notes)) {
    // ttyS without sysfs hardware are the placeholders above: every PC has 32 of them.
    if (SERIAL_NAME.test(name) && !name.startsWith('ttyS') && !names.has(name)) names.add(name);
  }
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The USB details of a port: walks up from its sysfs device to the USB device that has ids. */
export function sysfsDetails(sysRoot: string, name: string): SysfsPortDetails {
  const device = join(sysRoot, 'class', 'tty', name, 'device');
  if (!existsSync(device)) return {};
  const driverLink = join(device, 'driver');
  const driver = existsSync(driverLink) ? basename(realpathOrSelf(driverLink)) : undefined;
  const top = realpathOrSelf(sysRoot);
  for (let directory = realpathOrSelf(device); directory.startsWith(top) && directory !== top; directory = dirname(directory)) {
    if (!existsSync(join(directory, 'idVendor'))) continue;
    const read = (file: string) => readAttribute(join(directory, file));
    return { vendorId: read('idVendor'), productId: read('idProduct'), serialNumber: read('serial'), manufacturer: read('manufacturer'), product: read('product'), driver };
  }
  return { driver };
}

/**
 * The links in `/dev/serial/by-id` (or by-path) by the device node they resolve to, so a port
 * can be shown with the name that survives replugging.
 */
export function serialLinks(devRoot: string, kind: 'by-id' | 'by-path'): Map<string, string> {
  const directory = join(devRoot, 'serial', kind);
  const links = new Map<string, string>();
  // No /dev/serial at all is normal (nothing USB plugged in): nothing to note.
  for (const link of listDirectory(directory, [])) {
    const target = realpathOrUndefined(join(directory, link));
    if (target !== undefined && !links.has(target)) links.set(target, join(directory, link));
  }
  return links;
}

/** The real file behind a path, or undefined when the link dangles. */
export function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function realpathOrSelf(path: string): string {
  return realpathOrUndefined(path) ?? path;
}

/** A sysfs attribute without its newline; undefined when absent or empty. */
function readAttribute(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function listDirectory(directory: string, notes: string[]): string[] {
  try {
    return readdirSync(directory).sort();
  } catch (error) {
    notes.push(`cannot read ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return [];
  }
}
