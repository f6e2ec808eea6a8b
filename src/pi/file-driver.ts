/**
 * The seam between file-polling drivers (ds18b20, gateway-health) and the runtime's driver
 * interface, which was made for byte streams: such a driver takes no bytes, and polls while
 * its board is open.
 */
import type { DriverContext, DriverInstance } from '../drivers/driver.js';
import type { Poller } from './poll-loop.js';
import type { PiFiles } from './sysfs.js';

/** A driver context that can also read the Pi's files: what a board of files hands its drivers. */
export interface FileDriverContext extends DriverContext {
  readonly files: PiFiles;
}

/** Whether the runtime gave this driver file access (only boards of files do). */
export function hasFiles(context: DriverContext): context is FileDriverContext {
  const files = (context as Partial<FileDriverContext>).files;
  return typeof files === 'object' && files !== null && typeof files.readText === 'function';
}

/**
 * A driver instance that polls while its board is open. Without file access it reports the
 * misconfiguration once per opening, as a counted problem, and stays idle.
 */
export function fileDriverInstance(type: string, context: DriverContext, createPoller: (files: PiFiles) => Poller): DriverInstance {
  if (!hasFiles(context)) {
    return {
      framing: { kind: 'bytes' },
      onOpen: () => context.problems.count('no-file-access', `${type} reads the Pi's own files: attach it to a board of files, not a serial port`),
    };
  }
  const poller = createPoller(context.files);
  return {
    framing: { kind: 'bytes' },
    onOpen: () => poller.start(),
    onClose: () => poller.stop(),
  };
}
