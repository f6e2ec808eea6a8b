/** The links of real hardware: serial ports by path, and the Pi's own files, buses and GPIO. */
import type { LinkSources } from './link-sources.js';
import { FieldnodeError } from '../core/errors.js';
import { CharacterDeviceGpio } from './pi/gpio-chardev.js';
import { I2cDevBuses } from './pi/i2c-dev.js';
import { SysfsRoot } from './pi/sysfs.js';
import { SerialTransport } from './serial.js';

/**
 * How a vanished port is looked for: soon at first, then every second at most, so that a
 * replugged board is read again within about a second of its port reappearing.
 */
const REOPEN = { initialDelayMs: 100, maxDelayMs: 1000 };

export const realLinkSources: LinkSources = {
  serialPort({ board, baudRate, clock, logger, via }) {
    if (via) return new SerialTransport({ path: via.path, binding: via.binding, baudRate, logger });
    if (board.port === undefined) throw unregistered(board.id, 'simulator', 'simulated devices');
    return new SerialTransport({ path: board.port, baudRate, hupcl: board.hupcl, logger, reopen: { clock, ...REOPEN } });
  },
  pi({ board }) {
    if (board.piSimulator !== undefined) throw unregistered(board.id, 'piSimulator', 'a simulated Pi');
    return { files: new SysfsRoot(board.root ?? '/'), i2c: new I2cDevBuses(), gpio: new CharacterDeviceGpio() };
  },
};

/** A config validated against a catalog with twins, run by one without them: a mistake of the embedding code. */
function unregistered(boardId: string, key: string, what: string): FieldnodeError {
  return new FieldnodeError(`board ${boardId} has ${key}, but no ${what} are registered in this runtime`, 'USAGE');
}
