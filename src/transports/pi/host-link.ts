/**
 * A board whose "port" is the Pi itself: its files, its I2C buses and, for pin drivers, its
 * header's GPIO through johnny-five. No bytes flow, but the board opens and closes like any
 * other, so its drivers start and stop with it and its online status follows the node.
 */
import type { Clock } from '../../core/clock.js';
import { TransportError } from '../../core/errors.js';
import { Listeners } from '../../core/listeners.js';
import type { Lifecycle } from '../../core/lifecycle.js';
import type { Logger } from '../../core/logger.js';
import { startBoard, type BoardPins } from '../johnny-five.js';
import type { BytesLink, LinkState } from '../link.js';
import type { GpioChips } from './gpio.js';
import { GpioIoPlugin } from './gpio-io-plugin.js';
import type { I2cBuses } from './i2c.js';
import type { PiFiles } from './sysfs.js';
import type { FakePiRoot } from '../../../simulators/pi/fake-root.js';

/** Where the header's GPIO is and how it is sampled, for a board whose drivers read pins. */
export interface PiGpioOptions {
  readonly chips: GpioChips;
  /** `auto`, a chip path or a chip label. */
  readonly chip: string;
  readonly pollIntervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface PiFilesTransportOptions {
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
  /** What else lives and dies with the board: a simulated tree that must move while it is open. */
  readonly companion?: Lifecycle;
  /** Given when a pin driver reads this board: the GPIO is opened with the board. */
  readonly gpio?: PiGpioOptions;
  /** The simulated Pi behind the files, buses and GPIO, for tests to read its truth. */
  readonly simulated?: FakePiRoot;
}

/** The transport of a board of files: drivers reach the files through `files`, never through bytes. */
export class PiFilesTransport implements BytesLink {
  readonly description: string;
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
  private readonly statusListeners = new Listeners<[state: LinkState, reason?: string]>();
  private open = false;
  private plugin: GpioIoPlugin | undefined;
  private current: BoardPins | undefined;

  constructor(private readonly options: PiFilesTransportOptions) {
    this.files = options.files;
    this.i2c = options.i2c;
    this.description = options.files.description;
  }

  /** No bytes ever arrive; kept so the board can be wired like any other. */
  onData(_listener: (chunk: Buffer) => void): void {}

  write(_data: Buffer): Promise<void> {
    return Promise.reject(new TransportError(`${this.description} takes no writes`, 'drivers of files read, they never send'));
  }

  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.statusListeners.add(listener);
  }

  async start(): Promise<void> {
    if (this.open) return;
    await this.options.companion?.start();
    try {
      await this.files.list('/');
    } catch (error) {
      await this.options.companion?.stop();
      throw new TransportError(`cannot read ${this.description}`, 'check the board\'s root directory', { cause: error });
    }
    if (this.options.gpio) await this.openGpio(this.options.gpio);
    this.open = true;
    this.statusListeners.emit('open');
  }

  /** The simulated Pi, when the board is one. */
  get simulated(): FakePiRoot | undefined {
    return this.options.simulated;
  }

  /** johnny-five on the header's GPIO, while the board is open; undefined if the GPIO did not open. */
  get pins(): BoardPins | undefined {
    return this.current;
  }

  /**
   * A GPIO that will not open (no chip, no permission, libgpiod missing) is logged with its
   * fix and leaves the pin drivers idle; the board's files and buses still work.
   */
  private async openGpio(gpio: PiGpioOptions): Promise<void> {
    try {
      const plugin = new GpioIoPlugin(gpio.chips.open(gpio.chip), {
        clock: gpio.clock,
        pollIntervalMs: gpio.pollIntervalMs,
        onError: (error) => gpio.logger.warn({ err: error.message }, 'GPIO line failed'),
      });
      this.plugin = plugin;
      this.current = await new Promise<BoardPins>((resolve) => startBoard(plugin, gpio.logger, resolve));
      gpio.logger.info({ gpio: plugin.name }, 'GPIO ready');
    } catch (error) {
      gpio.logger.error({ err: (error as Error).message }, 'GPIO unavailable: the pin drivers of this board stay idle');
    }
  }

  async stop(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.statusListeners.emit('closed', 'stopped');
    this.current = undefined;
    this.plugin?.close();
    this.plugin = undefined;
    await this.i2c.close();
    await this.options.companion?.stop();
  }
}
