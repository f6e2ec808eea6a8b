/**
 * The seam between the Pi's polling drivers (ds18b20, gateway-health, bme280) and the
 * runtime's driver interface, which was made for byte streams: such a driver takes no bytes,
 * reads files or I2C registers, and polls while its board is open.
 */
import type { DriverContext, DriverInstance } from '../../drivers/driver.js';
import type { Poller } from '../../drivers/poll-loop.js';
import type { I2cBuses } from './i2c.js';
import type { PiFiles } from './sysfs.js';

/** What a Pi board offers its drivers besides bytes: its files and its I2C buses. */
export interface PiAccess {
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
}

/** A driver context that can also reach the Pi's files and buses: what a pi board hands its drivers. */
export interface FileDriverContext extends DriverContext, PiAccess {}

/** Whether the runtime gave this driver file access (only boards of files do). */
export function hasFiles(context: DriverContext): context is FileDriverContext {
  const { files, i2c } = context as Partial<FileDriverContext>;
  return typeof files?.readText === 'function' && typeof i2c?.bus === 'function';
}

/**
 * A driver instance that polls while its board is open. Without file access it reports the
 * misconfiguration once per opening, as a counted problem, and stays idle.
 */
export function fileDriverInstance(type: string, context: DriverContext, createPoller: (pi: PiAccess) => Poller): DriverInstance {
  if (!hasFiles(context)) {
    return {
      framing: { kind: 'bytes' },
      onOpen: () => context.problems.count('no-file-access', `${type} reads the Pi's own files and buses: attach it to a pi board, not a serial port`),
    };
  }
  const poller = createPoller(context);
  return {
    framing: { kind: 'bytes' },
    onOpen: () => poller.start(),
    onClose: () => poller.stop(),
  };
}
