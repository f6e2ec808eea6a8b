/**
 * Where links come from. The runtime builds a board's typed link (bytes, pins, host) from
 * these two sources; the real ones open ports and the Pi's files, and a composition root may
 * wrap them to put twins and simulated Pis behind the same interfaces.
 */
import type { Clock } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { SerialPortLink } from './firmata.js';
import type { DeviceLink, SimulatedDevice } from './link.js';
import type { SerialBinding } from './serial.js';
import type { GpioChips } from './pi/gpio.js';
import type { I2cBuses } from './pi/i2c.js';
import type { PiFiles } from './pi/sysfs.js';

/** What the link sources read of a board's config: where its link is. */
export interface BoardLinkConfig {
  readonly id: string;
  readonly port?: string | undefined;
  readonly hupcl: boolean;
  readonly simulator?: { readonly device: string } | undefined;
  readonly root?: string | undefined;
  readonly piSimulator?: Readonly<Record<string, unknown>> | undefined;
}

export interface LinkRequest {
  readonly board: BoardLinkConfig;
  /** The node's clock: reopening backoff and GPIO sampling run on it. */
  readonly clock: Clock;
  /**
   * The machine's own time, which twins live by: when a GPS corrects the node's clock, the
   * simulated world does not jump with it.
   */
  readonly deviceClock: Clock;
  readonly logger: Logger;
}

export interface SerialPortRequest extends LinkRequest {
  readonly baudRate: number;
  /** Makes the twin the board's `simulator` names, with its options, from the catalog the config was validated with. */
  readonly twin?: ((link: DeviceLink, clock: Clock) => SimulatedDevice) | undefined;
  /** Another port path and serialport binding than the board's (a twin's mock port). */
  readonly via?: { readonly path: string; readonly binding: SerialBinding };
}

/** What a board on the Pi itself reads: its files, its I2C buses and its header's GPIO. */
export interface PiParts {
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
  readonly gpio: GpioChips;
  /** What lives and dies with the link: a simulated Pi that must move while the board is open. */
  readonly companion?: Lifecycle;
}

export interface LinkSources {
  /** The serial port of a board with `port` (or, wrapped, `simulator`). */
  serialPort(request: SerialPortRequest): SerialPortLink;
  /** The Pi of a board without a port: `root` (or, wrapped, `piSimulator`). */
  pi(request: LinkRequest): PiParts;
}
