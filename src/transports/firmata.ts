/**
 * An Arduino running StandardFirmata, through johnny-five over firmata-io, on our own
 * serialport 13 port (one serialport in the tree). The port below reopens after an unplug;
 * each opening gets a new Firmata client and johnny-five Board, and pin drivers start again
 * when it is ready. The only runtime file importing firmata-io.
 */
import type firmataIo from 'firmata-io';
import type { SerialPortStream } from '@serialport/stream';
import type { Logger } from '../core/logger.js';
import { Listeners } from '../core/listeners.js';
import { startBoard, type Pins } from './johnny-five.js';
import type { BytesLink, LinkState, PinsLink } from './link.js';

/** A serial port whose stream a protocol client can take over while it is open: a real one, or a twin's mock one. */
export interface SerialPortLink extends BytesLink {
  readonly openPort: SerialPortStream | undefined;
}

/** firmata.js waits this long for a board that does not announce itself before asking. */
const REPORT_VERSION_TIMEOUT_MS = 3000;

/** The pins of a Firmata board: its port's bytes belong to the Firmata client, never to drivers. */
export class FirmataLink implements PinsLink {
  readonly description: string;
  private readonly statusListeners = new Listeners<[state: LinkState, reason?: string]>();
  private current: Pins | undefined;
  private opening = 0;
  private unsubscribe: (() => void) | undefined;
  /** firmata-io, loaded when the link first starts: a node without Firmata boards never loads it. */
  private firmata: typeof firmataIo | undefined;

  constructor(
    private readonly port: SerialPortLink,
    private readonly logger: Logger,
  ) {
    this.description = `firmata on ${port.description}`;
  }

  /** The board while it is ready; pin drivers read it on open. */
  get pins(): Pins | undefined {
    return this.current;
  }

  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.statusListeners.add(listener);
  }

  /** Follows the port from start to stop, so a link started again does not answer twice. */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.firmata ??= (await import('firmata-io')).default;
    if (this.unsubscribe) return;
    this.unsubscribe = this.port.onStatus((state, reason) => {
      if (state === 'open') this.connect();
      else this.lost(reason);
    });
    try {
      await this.port.start();
    } catch (error) {
      this.unsubscribe();
      this.unsubscribe = undefined;
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.lost('stopped');
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.port.stop();
  }

  private connect(): void {
    const stream = this.port.openPort;
    if (!stream || !this.firmata) return;
    const attempt = ++this.opening;
    const client = new this.firmata.Firmata(stream, { reportVersionTimeout: REPORT_VERSION_TIMEOUT_MS });
    // The board may have announced itself before this client listened (a board already
    // running, a twin faster than the client): ask, rather than wait out the timeout.
    client.reportVersion(() => undefined);
    client.queryFirmware(() => undefined);
    // johnny-five waits for a 'connect' that the client only emits when it opens the port
    // itself; the port is ours and already open, so the Board comes once the client is ready.
    client.once('ready', () => {
      if (attempt !== this.opening) return;
      startBoard(client, this.logger, (pins) => {
        if (attempt !== this.opening) return;
        this.current = pins;
        this.logger.info({ port: this.port.description, firmware: client.firmware.name }, 'firmata board ready');
        this.emit('open');
      });
    });
  }

  private lost(reason?: string): void {
    this.opening++;
    if (!this.current) return;
    this.current = undefined;
    this.emit('closed', reason);
  }

  private emit(state: LinkState, reason?: string): void {
    this.statusListeners.emit(state, reason);
  }
}
