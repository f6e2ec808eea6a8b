/**
 * Serial ports through serialport 13: real ones by path (including /dev/serial/by-id/...),
 * or any other serialport binding (the in-process mock binding for simulated boards).
 * With `reopen`, a port that is missing or disappears (a USB adapter pulled out) is opened
 * again with backoff when it comes back, without restarting anything.
 */
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { Backoff, type BackoffOptions } from '../core/backoff.js';
import { explainOpenError } from './serial-errors.js';
import type { ByteTransport, TransportState } from './transport.js';

/** Any serialport binding: the native one, the mock one, or a future one (TCP, RFC 2217). */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

export interface SerialTransportOptions {
  readonly path: string;
  readonly baudRate: number;
  /** false keeps DTR asserted when the port opens, so a running Arduino is not reset. */
  readonly hupcl?: boolean;
  /** Defaults to the machine's native binding; simulators pass serialport's mock binding. */
  readonly binding?: SerialBinding;
  readonly logger?: Logger;
  /** Keep trying to (re)open a missing or vanished port; without it, start() fails when the port cannot be opened. */
  readonly reopen?: BackoffOptions & { readonly clock: Clock };
}

/** A serial port as a ByteTransport. Errors after opening are logged, never thrown. */
export class SerialTransport implements ByteTransport {
  readonly description: string;
  private port: SerialPortStream | undefined;
  private readonly listeners: ((chunk: Buffer) => void)[] = [];
  private readonly statusListeners: ((state: TransportState, reason?: string) => void)[] = [];
  private readonly logger: Logger;
  private readonly backoff: Backoff | undefined;
  private wanted = false;
  private reopenTimer: TimerHandle | undefined;
  private lastOpenError: string | undefined;
  private lostAt: number | undefined;

  constructor(private readonly options: SerialTransportOptions) {
    this.description = `serial ${options.path} @ ${options.baudRate}`;
    this.logger = options.logger ?? silentLogger;
    this.backoff = options.reopen ? new Backoff(options.reopen) : undefined;
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

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async start(): Promise<void> {
    if (this.wanted) return;
    this.wanted = true;
    try {
      await this.open();
    } catch (error) {
      if (!this.backoff) {
        this.wanted = false;
        throw error;
      }
      // A board that is not plugged in yet must not keep the node from starting.
      this.openFailed(error as Error);
    }
  }

  async stop(): Promise<void> {
    this.wanted = false;
    this.options.reopen?.clock.clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
    this.emitStatus('closed', 'stopped');
  }

  async write(data: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new Error(`${this.description} is not open`);
    await new Promise<void>((resolve, reject) => {
      port.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  private async open(): Promise<void> {
    const { path, baudRate, hupcl = true, binding } = this.options;
    const settings = { path, baudRate, hupcl, autoOpen: false } as const;
    const port = binding ? new SerialPortStream({ ...settings, binding }) : new SerialPort(settings);
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(explainOpenError(path, error)) : resolve())));
    if (!this.wanted) {
      port.close();
      return;
    }
    port.on('data', (chunk: Buffer) => {
      for (const listener of this.listeners) listener(chunk);
    });
    port.on('error', (error: Error) => this.logger.error({ port: path, err: error.message }, 'serial port error'));
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port || !error) return;
      this.port = undefined;
      this.lostAt = this.options.reopen?.clock.monotonic();
      this.logger.error({ port: path }, `serial port ${path} disconnected (device unplugged?)${this.backoff ? '; waiting for it to come back' : ''}`);
      this.emitStatus('closed', 'disconnected');
      this.scheduleReopen();
    });
    this.port = port;
    this.backoff?.reset();
    this.lastOpenError = undefined;
    const downForMs = this.lostAt === undefined ? undefined : Math.round((this.options.reopen?.clock.monotonic() ?? 0) - this.lostAt);
    this.lostAt = undefined;
    this.logger.info({ port: path, baudRate, ...(downForMs !== undefined ? { downForMs } : {}) }, downForMs === undefined ? 'serial port open' : 'serial port open again');
    this.emitStatus('open');
  }

  private openFailed(error: Error): void {
    // The same failure on every retry is said once, until something changes.
    if (error.message !== this.lastOpenError) {
      this.lastOpenError = error.message;
      this.logger.error({ port: this.options.path }, `${error.message}; retrying`);
      this.emitStatus('closed', error.message);
    }
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    const reopen = this.options.reopen;
    if (!reopen || !this.backoff || !this.wanted || this.reopenTimer) return;
    this.reopenTimer = reopen.clock.setTimeout(() => {
      this.reopenTimer = undefined;
      if (!this.wanted || this.port) return;
      this.open().catch((error: unknown) => this.openFailed(error as Error));
    }, this.backoff.next());
  }

  private emitStatus(state: TransportState, reason?: string): void {
    for (const listener of this.statusListeners) listener(state, reason);
  }
}
