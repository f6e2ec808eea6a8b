/**
 * An Arduino running StandardFirmata, through johnny-five over firmata-io, on our own
 * serialport 13 port (one serialport in the tree). The port below reopens after an unplug;
 * each opening gets a new Firmata client and johnny-five Board, and pin drivers start again
 * when it is ready. The only runtime file importing firmata-io.
 */
import firmataIo from 'firmata-io';
import type { SerialPortStream } from '@serialport/stream';
import { TransportError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { Listeners } from '../core/listeners.js';
import { startBoard, type BoardPins } from './johnny-five.js';
import type { BytesLink, LinkState } from './link.js';

/** The serial port underneath: a real one, or the mock one of a simulated board. */
export interface FirmataPort extends BytesLink {
  readonly openPort: SerialPortStream | undefined;
}

/** firmata.js waits this long for a board that does not announce itself before asking. */
const REPORT_VERSION_TIMEOUT_MS = 3000;

export class FirmataTransport implements BytesLink {
  readonly description: string;
  private readonly statusListeners = new Listeners<[state: LinkState, reason?: string]>();
  private current: BoardPins | undefined;
  private opening = 0;

  constructor(
    private readonly port: FirmataPort,
    private readonly logger: Logger,
  ) {
    this.description = `firmata on ${port.description}`;
    port.onStatus((state, reason) => {
      if (state === 'open') this.connect();
      else this.lost(reason);
    });
  }

  /** The serial port underneath (a simulated board's mock port, for tests). */
  get underlying(): FirmataPort {
    return this.port;
  }

  /** The board while it is ready; pin drivers read it on open. */
  get pins(): BoardPins | undefined {
    return this.current;
  }

  /** Bytes belong to the Firmata client, not to drivers. */
  onData(_listener: (chunk: Buffer) => void): void {}

  write(_data: Buffer): Promise<void> {
    return Promise.reject(new TransportError(`${this.description} takes no raw writes`, 'pin drivers talk to the board through johnny-five'));
  }

  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.statusListeners.add(listener);
  }

  start(): Promise<void> {
    return this.port.start();
  }

  async stop(): Promise<void> {
    this.lost('stopped');
    await this.port.stop();
  }

  private connect(): void {
    const stream = this.port.openPort;
    if (!stream) return;
    const attempt = ++this.opening;
    const client = new firmataIo.Firmata(stream, { reportVersionTimeout: REPORT_VERSION_TIMEOUT_MS });
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
