/**
 * A port's USB details as udev knows them (`udevadm info --query=property`): the same ids and
 * strings as sysfs, plus the /dev/serial links udev made, read the way udev names them.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SysfsPortDetails } from './sysfs-tty.js';

/** What udev adds to the sysfs details: the stable links it created. */
export interface UdevPortDetails extends SysfsPortDetails {
  readonly byId?: string;
  readonly byPath?: string;
}

/** Where `udevadm` is in `searchPath` (PATH-style), or by default on PATH and in the sbin folders a non-root PATH lacks. */
export function findUdevadm(searchPath?: string): string | undefined {
  const directories = searchPath?.split(delimiter).filter(Boolean) ?? [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return directories.map((directory) => join(directory, 'udevadm')).find((file) => existsSync(file));
}

/** `KEY=value` lines into a map. */
export function parseUdevProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) properties.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return properties;
}

/**
 * The fields of a port from udev's properties. The `_ENC` strings are the device's own
 * manufacturer and product strings (`\x20` for a space); udev puts the hex id there when the
 * device has none, which is no name.
 */
export function udevDetails(properties: ReadonlyMap<string, string>): UdevPortDetails {
  const get = (...keys: string[]) => keys.map((key) => properties.get(key)).find((value) => value !== undefined && value !== '');
  const vendorId = get('ID_USB_VENDOR_ID', 'ID_VENDOR_ID');
  const productId = get('ID_USB_MODEL_ID', 'ID_MODEL_ID');
  const named = (encoded: string | undefined, id: string | undefined) => {
    const text = encoded === undefined ? undefined : decodeUdevString(encoded).trim();
    return text && text.toLowerCase() !== id ? text : undefined;
  };
  const links = (get('DEVLINKS') ?? '').split(' ').filter(Boolean);
  return {
    vendorId,
    productId,
    serialNumber: get('ID_USB_SERIAL_SHORT', 'ID_SERIAL_SHORT'),
    manufacturer: named(get('ID_USB_VENDOR_ENC', 'ID_VENDOR_ENC'), vendorId),
    product: named(get('ID_USB_MODEL_ENC', 'ID_MODEL_ENC'), productId),
    driver: get('ID_USB_DRIVER'),
    byId: links.find((link) => link.includes('/serial/by-id/')),
    byPath: links.find((link) => link.includes('/serial/by-path/')),
  };
}

/** udev's `\xNN` escapes back into text. */
export function decodeUdevString(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const escape = /^\\x([0-9a-fA-F]{2})/.exec(text.slice(index, index + 4));
    if (escape) {
      bytes.push(parseInt(escape[1]!, 16));
      index += 3;
    } else {
      bytes.push(...Buffer.from(text[index]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Asks udev about a device node; undefined when udev does not know it (not a device, no udev database). */
export function queryUdevadm(udevadm: string, devicePath: string, timeoutMs = 5000): Promise<Map<string, string> | undefined> {
  return new Promise((resolve) => {
    execFile(udevadm, ['info', '--query=property', `--name=${devicePath}`], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) => {
      resolve(error ? undefined : parseUdevProperties(stdout));
    });
  });
}
