/**
 * USB-serial chips and vendors a technician meets on a gateway, by USB id, so `fieldnode
 * ports` can say what an adapter is even when no board profile claims it. Board ids live in
 * the board profiles (boards/<id>/board.yaml); this table holds only the chips and vendors
 * that many boards and cables share. Every entry cites where its id comes from: the Linux
 * driver that binds it (the kernel's id tables are the authority a technician can check with
 * `lsusb`), or the vendor's own registration.
 */
import { normaliseUsbId } from '../boards/load.js';

/** One known chip or vendor: `productId: '*'` matches every product of a vendor. */
export interface UsbSerialChip {
  readonly vendorId: string;
  readonly productId: string | '*';
  /** A short stable key for scripts (`ch340`, `cp210x`...). */
  readonly id: string;
  readonly name: string;
  readonly source: string;
}

const CH341 = 'Linux drivers/usb/serial/ch341.c (id_table)';
const CP210X = 'Linux drivers/usb/serial/cp210x.c (id_table)';
const FTDI = 'Linux drivers/usb/serial/ftdi_sio_ids.h (FTDI_VID, *_PID)';
const PL2303 = 'Linux drivers/usb/serial/pl2303.h (PL2303_VENDOR_ID, *_PRODUCT_ID)';
const CDC_ACM = 'a CDC-ACM device (Linux drivers/usb/class/cdc-acm.c binds it by class); id from the vendor';

/** The chips, most common on sensor gateways first. */
export const usbSerialChips: readonly UsbSerialChip[] = [
  { vendorId: '1a86', productId: '7523', id: 'ch340', name: 'WCH CH340/CH341 USB-serial', source: CH341 },
  { vendorId: '1a86', productId: '5523', id: 'ch341', name: 'WCH CH341 USB-serial (serial mode)', source: CH341 },
  { vendorId: '1a86', productId: '7522', id: 'ch340k', name: 'WCH CH340K USB-serial', source: CH341 },
  { vendorId: '1a86', productId: '55d3', id: 'ch343', name: 'WCH CH343 USB-serial', source: `${CDC_ACM} (WCH ch343ser driver id table)` },
  { vendorId: '1a86', productId: '55d4', id: 'ch9102', name: 'WCH CH9102 USB-serial', source: `${CDC_ACM} (WCH ch343ser driver id table)` },
  { vendorId: '10c4', productId: 'ea60', id: 'cp210x', name: 'Silicon Labs CP2102/CP2104/CP2102N USB-serial', source: CP210X },
  { vendorId: '10c4', productId: 'ea70', id: 'cp2105', name: 'Silicon Labs CP2105 dual USB-serial', source: CP210X },
  { vendorId: '10c4', productId: 'ea71', id: 'cp2108', name: 'Silicon Labs CP2108 quad USB-serial', source: CP210X },
  { vendorId: '0403', productId: '6001', id: 'ft232r', name: 'FTDI FT232R/FT232BM USB-serial', source: FTDI },
  { vendorId: '0403', productId: '6015', id: 'ft-x', name: 'FTDI FT231X/FT230X (FT-X series) USB-serial', source: FTDI },
  { vendorId: '0403', productId: '6010', id: 'ft2232', name: 'FTDI FT2232 dual USB-serial', source: FTDI },
  { vendorId: '0403', productId: '6011', id: 'ft4232h', name: 'FTDI FT4232H quad USB-serial', source: FTDI },
  { vendorId: '0403', productId: '6014', id: 'ft232h', name: 'FTDI FT232H USB-serial', source: FTDI },
  { vendorId: '067b', productId: '2303', id: 'pl2303', name: 'Prolific PL2303 USB-serial', source: PL2303 },
  { vendorId: '067b', productId: '23a3', id: 'pl2303gc', name: 'Prolific PL2303GC USB-serial', source: PL2303 },
  { vendorId: '067b', productId: '23c3', id: 'pl2303gt', name: 'Prolific PL2303GT USB-serial', source: PL2303 },
  { vendorId: '067b', productId: '23d3', id: 'pl2303gl', name: 'Prolific PL2303GL USB-serial', source: PL2303 },
  { vendorId: '1546', productId: '01a7', id: 'u-blox-7', name: 'u-blox 7 GNSS receiver (NMEA over CDC-ACM)', source: `${CDC_ACM} (u-blox)` },
  { vendorId: '1546', productId: '01a8', id: 'u-blox-8', name: 'u-blox 8/M8 GNSS receiver (NMEA over CDC-ACM)', source: `${CDC_ACM} (u-blox)` },
  { vendorId: '0483', productId: '5740', id: 'stm32-vcp', name: 'STM32 virtual COM port', source: `${CDC_ACM} (STMicroelectronics)` },
  { vendorId: '2e8a', productId: '000a', id: 'rp2040', name: 'Raspberry Pi RP2040 (Pico SDK USB serial)', source: `${CDC_ACM} (Raspberry Pi, pico-sdk)` },
  { vendorId: '2e8a', productId: '0005', id: 'rp2040-micropython', name: 'Raspberry Pi RP2040 running MicroPython', source: `${CDC_ACM} (MicroPython)` },
  { vendorId: '303a', productId: '1001', id: 'esp32-usb-jtag-serial', name: 'Espressif ESP32-C3/S3 USB JTAG/serial', source: `${CDC_ACM} (Espressif)` },
  { vendorId: '16c0', productId: '0483', id: 'teensy', name: 'Teensy USB serial', source: `${CDC_ACM} (PJRC)` },
  // Vendor-wide entries: a board of these makers that no profile lists is still named by its maker.
  { vendorId: '2341', productId: '*', id: 'arduino', name: 'an Arduino board (Arduino LLC USB id)', source: 'Arduino AVR boards.txt (*.vid.N = 0x2341)' },
  { vendorId: '2a03', productId: '*', id: 'arduino-org', name: 'an Arduino board (arduino.org USB id)', source: 'Arduino AVR boards.txt (*.vid.N = 0x2a03)' },
  { vendorId: '239a', productId: '*', id: 'adafruit', name: 'an Adafruit board', source: 'Adafruit board definitions (USB VID 0x239A)' },
  { vendorId: '1b4f', productId: '*', id: 'sparkfun', name: 'a SparkFun board', source: 'SparkFun board definitions (USB VID 0x1B4F)' },
];

/**
 * The chips a USB id is: the exact entries, or, when none, the vendor-wide one. A vendor-wide
 * entry is left out when `boardMatched`, since the board profile already names the device.
 */
export function chipsForUsb(vendorId: string, productId: string, boardMatched = false): UsbSerialChip[] {
  const vendor = normaliseUsbId(vendorId);
  const product = normaliseUsbId(productId);
  if (vendor === undefined || product === undefined) return [];
  const exact = usbSerialChips.filter((chip) => chip.vendorId === vendor && chip.productId === product);
  if (exact.length > 0 || boardMatched) return exact;
  return usbSerialChips.filter((chip) => chip.vendorId === vendor && chip.productId === '*');
}
