/** `fieldnode ports` for a person: one block per port, the labels aligned, the fix under a port that cannot be opened. */
import type { DiscoveredPort } from './discover.js';

/** The likely causes when nothing is found, in the order a technician checks them. */
export const NO_PORTS_ADVICE = [
  'no serial ports found. Likely causes:',
  '  - the cable carries power only (many phone cables do): try a data cable',
  '  - the adapter or board is not plugged in, or its USB socket gives no power',
  '  - the kernel has no driver for the chip: run `dmesg | tail` right after plugging it in and look for ttyUSB/ttyACM or an error',
].join('\n');

/** The ports as text blocks separated by blank lines. */
export function formatPorts(ports: readonly DiscoveredPort[]): string {
  return ports.map(formatPort).join('\n\n');
}

function formatPort(port: DiscoveredPort): string {
  const usb = port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : undefined;
  const device = [port.manufacturer, port.product].filter(Boolean).join(' ');
  const rows: [string, string | undefined][] = [
    ['by-id', port.byId],
    ['by-path', port.byPath],
    ['usb', usb === undefined ? undefined : `${usb}${device ? `  ${device}` : ''}`],
    ['serial', port.serialNumber],
    ['driver', port.driver],
    ['is', port.identifiedAs.length > 0 ? port.identifiedAs.map((identity) => `${identity.name} (${identity.kind} ${identity.id})`).join('; ') : usb === undefined ? 'no USB device: an on-board or virtual port' : 'unknown USB device'],
    ['access', port.access.canOpen ? 'ok' : `cannot open: ${port.access.advice ?? 'permission denied'}`],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length));
  return [port.path, ...shown.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
