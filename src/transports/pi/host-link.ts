/**
 * The gateway itself as a link: its files (sysfs, procfs) and its I2C buses. No bytes flow,
 * but the link opens and closes like any other, so its drivers start and stop with it and the
 * board's online status follows the node.
 */
import { TransportError } from '../../core/errors.js';
import { Listeners } from '../../core/listeners.js';
import type { HostLink, LinkState } from '../link.js';
import type { PiParts } from '../link-sources.js';

export class PiHostLink implements HostLink {
  readonly description: string;
  private readonly statusListeners = new Listeners<[state: LinkState, reason?: string]>();
  private open = false;

  constructor(private readonly parts: PiParts) {
    this.description = parts.files.description;
  }

  get files() {
    return this.parts.files;
  }

  get i2c() {
    return this.parts.i2c;
  }

  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.statusListeners.add(listener);
  }

  async start(): Promise<void> {
    if (this.open) return;
    await this.parts.companion?.start();
    try {
      await this.parts.files.list('/');
    } catch (error) {
      await this.parts.companion?.stop();
      throw new TransportError(`cannot read ${this.description}`, "check the board's root directory", { cause: error });
    }
    this.open = true;
    this.statusListeners.emit('open');
  }

  async stop(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.statusListeners.emit('closed', 'stopped');
    await this.parts.i2c.close();
    await this.parts.companion?.stop();
  }
}
