/**
 * Serial ports through serialport 13: real ones by path (including /dev/serial/by-id/...),
 * or any other serialport binding (the in-process mock binding for simulated boards).
 */
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { explainOpenError } from './serial-errors.js';

/** Any serialport binding: the native one, the mock one, or a future one (TCP, RFC 2217). */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];
import type { ByteTransport, TransportState } from './transport.js';

export interface SerialTransportOptions {
  readonly path: string;
  readonly baudRate: number;
  /** false keeps DTR asserted when the port opens, so a running Arduino is not reset. */
  readonly hupcl?: boolean;
  /** Defaults to the machine's native binding; simulators pass serialport's mock binding. */
  readonly binding?: SerialBinding;
  readonly logger?: Logger;
}

/** A serial port as a ByteTransport. Errors after opening are logged, never thrown. */
export class SerialTransport implements ByteTransport {
  readonly description: string;
  private port: SerialPortStream | undefined;
  private readonly listeners: ((chunk: Buffer) => void)[] = [];
  private readonly statusListeners: ((state: TransportState, reason?: string) => void)[] = [];
  private readonly logger: Logger;

  constructor(private readonly options: SerialTransportOptions) {
    this.description = `serial ${options.path} @ ${options.baudRate}`;
    this.logger = options.logger ?? silentLogger;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.listeners.push(listener);
  }

  onStatus(listener: (state: TransportState, reason?: string) => void): void {
    this.statusListeners.push(listener);
  }

  /** The open port, for simulators that drive the mock binding's device side. */
  get openPort(): SerialPortStream | undefined {
    return this.port;
  }

  async start(): Promise<void> {
    if (this.port) return;
    const { path, baudRate, hupcl = true, binding } = this.options;
    const settings = { path, baudRate, hupcl, autoOpen: false } as const;
    const port = binding ? new SerialPortStream({ ...settings, binding }) : new SerialPort(settings);
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(explainOpenError(path, error)) : resolve())));
    port.on('data', (chunk: Buffer) => {
      for (const listener of this.listeners) listener(chunk);
    });
    port.on('error', (error: Error) => this.logger.error({ port: path, err: error.message }, 'serial port error'));
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      if (error?.disconnected) {
        this.logger.error({ port: path }, 'serial port disconnected (device unplugged?)');
        this.emitStatus('closed', 'disconnected');
      }
    });
    this.port = port;
    this.logger.info({ port: path, baudRate }, 'serial port open');
    this.emitStatus('open');
  }

  async stop(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
    this.emitStatus('closed', 'stopped');
  }

  private emitStatus(state: TransportState, reason?: string): void {
    for (const listener of this.statusListeners) listener(state, reason);
  }

  async write(data: Buffer): Promise<void> {
    const port = this.port;
    if (!port) throw new Error(`${this.description} is not open`);
    await new Promise<void>((resolve, reject) => {
      port.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }
}
