/**
 * A sysfs and /dev tree laid out as the kernel and udev lay out a Raspberry Pi's with four
 * USB-serial devices plugged in and its on-board UART: the same relative symlinks
 * (`class/tty/ttyUSB0 -> ../../devices/...`, `device`, `driver`, `/dev/serial/by-id/...`), so
 * discovery walks it exactly as it walks the real one.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** One USB device with a serial interface. */
interface FakeUsb {
  readonly tty: string;
  /** USB device folder under the xHCI root hub, e.g. `1-1.2`. */
  readonly port: string;
  readonly idVendor: string;
  readonly idProduct: string;
  readonly serial?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly driver: string;
  readonly byId?: string;
}

const HUB = 'devices/platform/scb/fd500000.pcie/pci0000:00/0000:00:00.0/0000:01:00.0/usb1';

/** The devices of the tree, as `lsusb` on a real Pi printed them. */
export const FAKE_USB: readonly FakeUsb[] = [
  // A CH340 Uno clone: the chip has no serial number and (usually) only a product string.
  { tty: 'ttyUSB0', port: '1-1.2', idVendor: '1a86', idProduct: '7523', product: 'USB2.0-Serial', driver: 'ch341-uart', byId: 'usb-1a86_USB2.0-Serial-if00-port0' },
  { tty: 'ttyUSB1', port: '1-1.3', idVendor: '0403', idProduct: '6001', serial: 'A50285BI', manufacturer: 'FTDI', product: 'FT232R USB UART', driver: 'ftdi_sio', byId: 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0' },
  { tty: 'ttyUSB2', port: '1-1.4', idVendor: '10c4', idProduct: 'ea60', serial: '0001', manufacturer: 'Silicon Labs', product: 'CP2102 USB to UART Bridge Controller', driver: 'cp210x', byId: 'usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0' },
  { tty: 'ttyACM0', port: '1-1.1', idVendor: '2341', idProduct: '0043', serial: '95735353032351E0E1C1', manufacturer: 'Arduino (www.arduino.cc)', driver: 'cdc_acm', byId: 'usb-Arduino__www.arduino.cc__0043_95735353032351E0E1C1-if00' },
];

/** The temp tree: `sys` and `dev` roots, and `remove()`. */
export interface FakeTree {
  readonly root: string;
  readonly sysRoot: string;
  readonly devRoot: string;
  remove(): void;
}

function link(target: string, at: string): void {
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(relative(dirname(at), target), at);
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${text}\n`);
}

/** Builds the tree in a new temp directory; the device nodes are plain files with mode 0666. */
export function createFakeTree(): FakeTree {
  const root = mkdtempSync(join(tmpdir(), 'fieldnode-ports-'));
  const sysRoot = join(root, 'sys');
  const devRoot = join(root, 'dev');
  const node = (name: string) => {
    write(join(devRoot, name), '');
    chmodSync(join(devRoot, name), 0o666);
    return join(devRoot, name);
  };
  for (const usb of FAKE_USB) {
    const device = join(sysRoot, HUB, usb.port);
    write(join(device, 'idVendor'), usb.idVendor);
    write(join(device, 'idProduct'), usb.idProduct);
    if (usb.serial) write(join(device, 'serial'), usb.serial);
    if (usb.manufacturer) write(join(device, 'manufacturer'), usb.manufacturer);
    if (usb.product) write(join(device, 'product'), usb.product);
    const usbInterface = join(device, `${usb.port}:1.0`);
    // A usb-serial port has its own device below the interface; cdc_acm binds the interface itself.
    const portDevice = usb.tty.startsWith('ttyUSB') ? join(usbInterface, usb.tty) : usbInterface;
    const classDevice = join(portDevice, 'tty', usb.tty);
    write(join(classDevice, 'dev'), '188:0');
    link(portDevice, join(classDevice, 'device'));
    link(join(sysRoot, 'bus/usb-serial/drivers', usb.driver), join(portDevice, 'driver'));
    mkdirSync(join(sysRoot, 'bus/usb-serial/drivers', usb.driver), { recursive: true });
    link(classDevice, join(sysRoot, 'class/tty', usb.tty));
    const path = node(usb.tty);
    if (usb.byId) link(path, join(devRoot, 'serial/by-id', usb.byId));
    link(path, join(devRoot, 'serial/by-path', `platform-fd500000.pcie-pci-0000:01:00.0-usb-0:${usb.port.slice(2)}:1.0${usb.tty.startsWith('ttyUSB') ? '-port0' : ''}`));
  }
  // The Pi's PL011 UART on the GPIO header: hardware in sysfs, but no USB device above it.
  const uart = join(sysRoot, 'devices/platform/soc/fe201000.serial');
  write(join(uart, 'tty/ttyAMA0/dev'), '204:64');
  link(uart, join(sysRoot, 'devices/platform/soc/fe201000.serial/tty/ttyAMA0/device'));
  link(join(sysRoot, 'bus/amba/drivers/uart-pl011'), join(uart, 'driver'));
  mkdirSync(join(sysRoot, 'bus/amba/drivers/uart-pl011'), { recursive: true });
  link(join(uart, 'tty/ttyAMA0'), join(sysRoot, 'class/tty/ttyAMA0'));
  node('ttyAMA0');
  // A PC's unused 8250 placeholder and a virtual console: neither is a port to offer.
  const placeholder = join(sysRoot, 'devices/platform/serial8250');
  write(join(placeholder, 'tty/ttyS1/dev'), '4:65');
  link(placeholder, join(placeholder, 'tty/ttyS1/device'));
  link(join(placeholder, 'tty/ttyS1'), join(sysRoot, 'class/tty/ttyS1'));
  node('ttyS1');
  write(join(sysRoot, 'devices/virtual/tty/tty1/dev'), '4:1');
  link(join(sysRoot, 'devices/virtual/tty/tty1'), join(sysRoot, 'class/tty/tty1'));
  node('tty1');
  return { root, sysRoot, devRoot, remove: () => rmSync(root, { recursive: true, force: true }) };
}
