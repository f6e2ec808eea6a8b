import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { BoardConfig } from '../config/schema.js';
import { simulatorFor } from '../../simulators/registry.js';
import { MockSerialTransport } from '../../simulators/transports/mock-serial.js';
import { PiFilesTransport } from './pi/files-link.js';
import { SysfsRoot } from './pi/sysfs.js';
import { I2cDevBuses } from './pi/i2c-dev.js';
import { CharacterDeviceGpio } from './pi/gpio-chardev.js';
import type { PiGpioOptions } from './pi/files-link.js';
import { FakePiRoot } from '../../simulators/pi/fake-root.js';
import { SerialTransport } from './serial.js';
import { FirmataTransport } from './firmata.js';
import type { BytesLink } from './link.js';

/**
 * How a vanished port is looked for: soon at first, then every second at most, so that a
 * replugged board is read again within about a second of its port reappearing.
 */
const REOPEN = { initialDelayMs: 100, maxDelayMs: 1000 };

/** The baud rate a board runs at: as configured, else its simulated device's own, else 9600. */
export function boardBaudRate(board: BoardConfig): number {
  if (board.baud !== undefined) return board.baud;
  if (board.simulator) return simulatorFor(board.simulator.device).defaultBaud;
  // StandardFirmata runs at 57600; our line sketches and most sensors at 9600.
  return board.transport === 'firmata' ? 57600 : 9600;
}

/**
 * Builds the transport a board config describes: a real port, or a simulated device
 * in-process. A simulated device lives by `deviceClock`, the machine's own time, not by the
 * node's wall clock that a GPS may correct: the world does not jump when the node's clock does.
 */
export function transportForBoard(board: BoardConfig, clock: Clock, logger: Logger, deviceClock: Clock = clock, readsPins = false): BytesLink {
  if (board.transport === 'pi') return piTransport(board, clock, logger, deviceClock, readsPins);
  if (board.transport === 'firmata') return new FirmataTransport(serialTransport(board, clock, logger, deviceClock), logger);
  return serialTransport(board, clock, logger, deviceClock);
}

/** A serial port: the real one at `board.port`, or a simulated device on a mock port. */
function serialTransport(board: BoardConfig, clock: Clock, logger: Logger, deviceClock: Clock): SerialTransport | MockSerialTransport {
  const baudRate = boardBaudRate(board);
  if (board.simulator) {
    const { device, ...options } = board.simulator;
    const simulator = simulatorFor(device);
    return new MockSerialTransport({
      name: board.id,
      baudRate,
      clock: deviceClock,
      logger,
      createDevice: (link, time) => simulator.create(options, link, time),
    });
  }
  return new SerialTransport({ path: board.port ?? '', baudRate, hupcl: board.hupcl, logger, reopen: { clock, ...REOPEN } });
}

/** A board of the Pi's own files and I2C buses: the real ones, or a simulated Pi that lives while the board is open. */
function piTransport(board: BoardConfig, clock: Clock, logger: Logger, deviceClock: Clock, readsPins: boolean): PiFilesTransport {
  const simulated = board.piSimulator;
  // The GPIO is opened only for pin drivers: a board of files alone needs no libgpiod.
  const gpio = (chips: PiGpioOptions['chips']): PiGpioOptions | undefined =>
    readsPins ? { chips, chip: board.gpio?.chip ?? 'auto', pollIntervalMs: board.gpio?.pollIntervalMs ?? 2, clock, logger } : undefined;
  if (!simulated) return new PiFilesTransport({ files: new SysfsRoot(board.root ?? '/'), i2c: new I2cDevBuses(), gpio: gpio(new CharacterDeviceGpio()) });
  const tree = new FakePiRoot({ seed: simulated.seed, clock: deviceClock, ds18b20: simulated.ds18b20, bme280: simulated.bme280, model: simulated.model, gpio: simulated.gpio });
  return new PiFilesTransport({
    files: tree.files(),
    i2c: tree.i2c(),
    gpio: gpio(tree.gpio()),
    simulated: tree,
    companion: {
      start: async () => tree.start(),
      stop: async () => tree.dispose(),
    },
  });
}
