/**
 * A board whose "port" is the Pi itself, its files and its I2C buses: no bytes flow, but the board opens and closes
 * like any other, so its drivers start and stop polling with it and its online status
 * follows the node.
 */
import { TransportError } from '../core/errors.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { ByteTransport, TransportState } from '../transports/transport.js';
import type { I2cBuses } from './i2c.js';
import type { PiFiles } from './sysfs.js';

export interface PiFilesTransportOptions {
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
  /** What else lives and dies with the board: a simulated tree that must move while it is open. */
  readonly companion?: Lifecycle;
}

/** The transport of a board of files: drivers reach the files through `files`, never through bytes. */
export class PiFilesTransport implements ByteTransport {
  readonly description: string;
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
  private readonly statusListeners: ((state: TransportState, reason?: string) => void)[] = [];
  private open = false;

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

  onStatus(listener: (state: TransportState, reason?: string) => void): void {
    this.statusListeners.push(listener);
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
    this.open = true;
    for (const listener of this.statusListeners) listener('open');
  }

  async stop(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    for (const listener of this.statusListeners) listener('closed', 'stopped');
    await this.i2c.close();
    await this.options.companion?.stop();
  }
}
