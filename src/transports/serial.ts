/**
 * Serial ports through serialport 13: real ones by path (including /dev/serial/by-id/...),
 * or any other serialport binding (the in-process mock binding for simulated boards).
 * With `reopen`, a port that is missing or disappears (a USB adapter pulled out) is opened
 * again with backoff when it comes back, without restarting anything. A port that hangs up,
 * or whose device node vanishes while it is open, counts as disconnected too.
 */
import { autoDetect } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { Listeners } from '../core/listeners.js';
import { silentLogger } from '../core/logger.js';
import { Backoff, type BackoffOptions } from '../core/backoff.js';
import { DeviceWatch, deviceIdentity } from './device-watch.js';
import { explainOpenError } from './serial-errors.js';
import { HANG_UP, hangupAware } from './unix-serial-read.js';
import type { BytesLink, LinkState } from './link.js';

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
  /**
   * Watch the path (change events, and a backstop timer on reopen's clock) and treat the port
   * as gone when its device node vanished or was replaced, even if the port itself never said
   * so. On by default with the native binding, whose paths are files; other bindings' paths
   * may be mere names.
   */
  readonly watchDevice?: boolean;
}

/** The machine's binding, loaded on first use, with hang-ups surfaced as disconnects. */
let nativeBinding: SerialBinding | undefined;
function native(): SerialBinding {
  nativeBinding ??= hangupAware(autoDetect()) as SerialBinding;
  return nativeBinding;
}

/** A serial port as a BytesLink. Errors after opening are logged, never thrown. */
export class SerialTransport implements BytesLink {
  readonly description: string;
  private port: SerialPortStream | undefined;
  private readonly dataListeners = new Listeners<[chunk: Buffer]>();
  private readonly statusListeners = new Listeners<[state: LinkState, reason?: string]>();
  private readonly logger: Logger;
  private readonly backoff: Backoff | undefined;
  private wanted = false;
  /** Bumped by stop(): an open still in progress when it changes closes what it opened. */
  private generation = 0;
  private opening: Promise<void> | undefined;
  private reopenTimer: TimerHandle | undefined;
  private lastOpenError: string | undefined;
  private lostAt: number | undefined;
  private watch: DeviceWatch | undefined;
  /** A port given up for gone, still closing: stop() waits for it. */
  private closingLost: Promise<void> | undefined;

  constructor(private readonly options: SerialTransportOptions) {
    this.description = `serial ${options.path} @ ${options.baudRate}`;
    this.logger = options.logger ?? silentLogger;
    this.backoff = options.reopen ? new Backoff(options.reopen) : undefined;
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    return this.dataListeners.add(listener);
  }

  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.statusListeners.add(listener);
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
    const generation = this.generation;
    try {
      await this.openOnce(generation);
    } catch (error) {
      if (!this.backoff) {
        this.wanted = false;
        throw error;
      }
      // A board that is not plugged in yet must not keep the node from starting.
      this.openFailed(error as Error, generation);
    }
  }

  /** Closes the port, after any open still in progress, so the port is free when this resolves. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.generation++;
    this.options.reopen?.clock.clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    this.watch?.stop();
    this.watch = undefined;
    await this.opening?.catch(() => undefined);
    await this.closingLost;
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await closePort(port);
    this.emitStatus('closed', 'stopped');
  }

  async write(data: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new Error(`${this.description} is not open`);
    await new Promise<void>((resolve, reject) => {
      port.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  private openOnce(generation: number): Promise<void> {
    const opening = this.open(generation).finally(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    this.opening = opening;
    return opening;
  }

  private async open(generation: number): Promise<void> {
    const { path, baudRate, hupcl = true, binding, reopen, watchDevice = binding === undefined } = this.options;
    // Taken before opening: a node replaced in between is then caught by the first check.
    const identity = watchDevice && reopen ? deviceIdentity(path) : undefined;
    const port = new SerialPortStream({ path, baudRate, hupcl, autoOpen: false, binding: binding ?? native() });
    // Listening before anything can fail: an 'error' without a listener would end the process.
    port.on('error', (error: Error) => this.logger.error({ port: path, err: error.message }, 'serial port error'));
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(explainOpenError(path, error)) : resolve())));
    if (generation !== this.generation || !this.wanted) {
      // Stopped while opening: give the port back at once.
      await closePort(port);
      return;
    }
    port.on('data', (chunk: Buffer) => {
      this.dataListeners.emit(chunk);
    });
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port || !error) return;
      const hungUp = error.message.includes(HANG_UP);
      this.lose(port, hungUp ? 'hung up' : 'disconnected', `${hungUp ? 'hung up' : 'disconnected'} (device unplugged?)`, generation);
    });
    this.port = port;
    if (identity && reopen) {
      this.watch = new DeviceWatch(path, identity, reopen.clock, (why) => this.lose(port, 'device gone', `is gone (its device node ${why})`, generation));
    }
    this.backoff?.reset();
    this.lastOpenError = undefined;
    const downForMs = this.lostAt === undefined ? undefined : Math.round((this.options.reopen?.clock.monotonic() ?? 0) - this.lostAt);
    this.lostAt = undefined;
    this.logger.info({ port: path, baudRate, ...(downForMs !== undefined ? { downForMs } : {}) }, downForMs === undefined ? 'serial port open' : 'serial port open again');
    this.emitStatus('open');
  }

  /** The port is lost: the board goes offline with the reason, the port is closed if it still is open, and looked for again. */
  private lose(port: SerialPortStream, reason: string, what: string, generation: number): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.watch?.stop();
    this.watch = undefined;
    this.lostAt = this.options.reopen?.clock.monotonic();
    this.logger.error({ port: this.options.path }, `serial port ${this.options.path} ${what}${this.backoff ? '; waiting for it to come back' : ''}`);
    this.emitStatus('closed', reason);
    if (!port.isOpen) return this.scheduleReopen(generation);
    // A stalled port still holds its descriptor (and its lock): reopen only once it is released.
    const closing = closePort(port).then(() => {
      if (this.closingLost === closing) this.closingLost = undefined;
      this.scheduleReopen(generation);
    });
    this.closingLost = closing;
  }

  private openFailed(error: Error, generation: number): void {
    if (generation !== this.generation || !this.wanted) return;
    // The same failure on every retry is said once, until something changes.
    if (error.message !== this.lastOpenError) {
      this.lastOpenError = error.message;
      this.logger.error({ port: this.options.path }, `${error.message}; retrying`);
      this.emitStatus('closed', error.message);
    }
    this.scheduleReopen(generation);
  }

  private scheduleReopen(generation: number): void {
    const reopen = this.options.reopen;
    if (!reopen || !this.backoff || !this.wanted || this.reopenTimer || generation !== this.generation) return;
    this.reopenTimer = reopen.clock.setTimeout(() => {
      this.reopenTimer = undefined;
      if (!this.wanted || this.port || this.opening || generation !== this.generation) return;
      this.openOnce(generation).catch((error: unknown) => this.openFailed(error as Error, generation));
    }, this.backoff.next());
  }

  private emitStatus(state: LinkState, reason?: string): void {
    this.statusListeners.emit(state, reason);
  }
}

/** Closes a port and waits for it; a failing close is only logged by the port's error listener. */
function closePort(port: SerialPortStream): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}
