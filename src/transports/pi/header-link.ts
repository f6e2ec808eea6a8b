/**
 * The Pi's header pins as a link: johnny-five on the GPIO controller, sampled on the node's
 * clock. A GPIO that will not open (no chip, no permission, libgpiod missing) is logged with
 * its fix and leaves the board's pin drivers idle, counting `no-pins`; the node runs on.
 */
import type { Clock } from '../../core/clock.js';
import { Listeners } from '../../core/listeners.js';
import type { Lifecycle } from '../../core/lifecycle.js';
import type { Logger } from '../../core/logger.js';
import { startBoard, type Pins } from '../johnny-five.js';
import type { LinkState, PinsLink } from '../link.js';
import type { GpioChips } from './gpio.js';
import { GpioIoPlugin } from './gpio-io-plugin.js';

export interface PiHeaderOptions {
  readonly chips: GpioChips;
  /** `auto`, a chip path or a chip label. */
  readonly chip: string;
  readonly pollIntervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A simulated Pi that must move while the link is open. */
  readonly companion?: Lifecycle;
}

export class PiHeaderLink implements PinsLink {
  readonly description: string;
  private readonly statusListeners = new Listeners<[state: LinkState, reason?: string]>();
  private open = false;
  private plugin: GpioIoPlugin | undefined;
  private current: Pins | undefined;

  constructor(private readonly options: PiHeaderOptions) {
    this.description = `the Pi header (GPIO ${options.chip})`;
  }

  /** johnny-five on the header's GPIO, while open; undefined if the GPIO did not open. */
  get pins(): Pins | undefined {
    return this.current;
  }

  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.statusListeners.add(listener);
  }

  async start(): Promise<void> {
    if (this.open) return;
    await this.options.companion?.start();
    await this.openGpio();
    this.open = true;
    this.statusListeners.emit('open');
  }

  private async openGpio(): Promise<void> {
    const { chips, chip, clock, pollIntervalMs, logger } = this.options;
    try {
      const plugin = new GpioIoPlugin(chips.open(chip), {
        clock,
        pollIntervalMs,
        onError: (error) => logger.warn({ err: error.message }, 'GPIO line failed'),
      });
      this.plugin = plugin;
      this.current = await new Promise<Pins>((resolve) => startBoard(plugin, logger, resolve));
      logger.info({ gpio: plugin.name }, 'GPIO ready');
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'GPIO unavailable: the pin drivers of this board stay idle');
    }
  }

  async stop(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.statusListeners.emit('closed', 'stopped');
    this.current = undefined;
    this.plugin?.close();
    this.plugin = undefined;
    await this.options.companion?.stop();
  }
}
