/**
 * One board at run time: its link, its device's driver and its batcher. Everything it
 * subscribes to in start() it unsubscribes in stop(), so a board started again calls each
 * listener once, and a stopped board calls none.
 */
import type { BoardConfig } from '../config/board-schema.js';
import type { CorrectedClock } from '../core/corrected-clock.js';
import type { FirmwareIdentity } from '../core/firmware.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { Listeners } from '../core/listeners.js';
import { ProblemCounter } from '../core/problems.js';
import { copyReading, type Reading } from '../core/reading.js';
import type { BytesDriverInstance, DeviceBinding, DriverContext, DriverDefinition, DriverInstance } from '../drivers/driver.js';
import { Batcher } from '../pipeline/batcher.js';
import type { FilterChain } from '../pipeline/filters/chain.js';
import { pushThrough, sensorChains, stopChains } from '../pipeline/filters/sensor-chains.js';
import { LineFramer } from '../transports/line-framing.js';
import type { BytesLink, LinkState } from '../transports/link.js';
import { driverIn, type Catalog } from '../catalog/catalog.js';
import { openLink, type TypedLink } from './open-link.js';

export interface BoardRuntimeOptions {
  readonly board: BoardConfig;
  /** Where the board sits in the config, for the paths of its sensors. */
  readonly index: number;
  readonly catalog: Catalog;
  readonly clock: CorrectedClock;
  readonly logger: Logger;
  readonly batching: { readonly maxReadings: number; readonly maxDelayMs: number };
  /** Where full batches of readings go. */
  readonly onBatch: (readings: Reading[]) => void;
}

export class BoardRuntime implements Lifecycle {
  readings = 0;
  readonly problems: ProblemCounter;
  readonly id: string;
  private readonly typed: TypedLink;
  private readonly instance: DriverInstance;
  private readonly batcher: Batcher<Reading>;
  private subscriptions: (() => void)[] = [];
  /** The sensors' filter chains, made afresh by each start (undefined when no sensor has filters). */
  private chains: Map<string, FilterChain> | undefined;
  private readonly makeChains: () => Map<string, FilterChain> | undefined;
  private readonly readingListeners = new Listeners<[Reading]>();
  private readonly firmwareListeners = new Listeners<[FirmwareIdentity]>();

  constructor(options: BoardRuntimeOptions) {
    const { board, catalog, clock } = options;
    this.id = board.id;
    const logger = options.logger.child({ board: board.id });
    this.problems = new ProblemCounter(logger, clock);
    const driver = driverIn(catalog, board.device.type);
    if (!driver) throw new Error(`board ${board.id}: no driver ${board.device.type} in the catalog the config was validated with`);
    this.batcher = new Batcher<Reading>({ maxItems: options.batching.maxReadings, maxDelayMs: options.batching.maxDelayMs, clock, onBatch: options.onBatch });
    const toBatcher = (reading: Reading) => this.batcher.add(reading);
    this.makeChains = () => sensorChains(board.sensors, { clock, logger, problems: this.problems }, toBatcher);
    this.typed = openLink(driver, { board, clock, deviceClock: clock.base, logger }, catalog);
    const context: DriverContext = {
      clock,
      logger,
      problems: this.problems,
      emit: (reading) => {
        this.readings++;
        // Monotonic time dates the reading once the wall clock is trusted (see src/time/timeline.ts).
        const stamped = reading.monotonic === undefined ? copyReading(reading, { monotonic: clock.monotonic() }) : reading;
        if (this.chains) pushThrough(this.chains, stamped, toBatcher);
        else this.batcher.add(stamped);
        // Listeners (read-now) hear the device's own value, before filters that may hold it back.
        this.readingListeners.emit(stamped);
      },
      offerTime: (utcMs, source) => clock.offer(utcMs, source),
      identify: (firmware) => this.firmwareListeners.emit(firmware),
    };
    this.instance = createInstance(driver, deviceBinding(board, options.index), context, this.typed, this.problems);
  }

  /** The board's link, for status and for tests that reach the device behind it. */
  get link(): TypedLink['link'] {
    return this.typed.link;
  }

  /** Every reading as the driver emits it (the `read-now` command waits on one); returns the unsubscribe. */
  onReading(listener: (reading: Reading) => void): () => void {
    return this.readingListeners.add(listener);
  }

  /** Each firmware banner the device prints (one per reset); returns the unsubscribe. */
  onFirmware(listener: (firmware: FirmwareIdentity) => void): () => void {
    return this.firmwareListeners.add(listener);
  }

  /** Asks a polling driver to read now; false when its driver cannot (it reports at its own pace). */
  readNow(): boolean {
    return this.instance.readNow?.() ?? false;
  }

  /** The link's open and closed states; returns the unsubscribe. */
  onStatus(listener: (state: LinkState, reason?: string) => void): () => void {
    return this.typed.link.onStatus(listener);
  }

  async start(): Promise<void> {
    if (this.subscriptions.length > 0) return;
    const { link } = this.typed;
    this.chains = this.makeChains();
    this.subscriptions = this.typed.kind === 'bytes' ? this.feedBytes(this.typed.link, this.instance as BytesDriverInstance) : [];
    this.subscriptions.push(
      link.onStatus((state) => {
        if (state === 'open') this.instance.onOpen?.();
        else this.instance.onClose?.();
      }),
    );
    try {
      await link.start();
    } catch (error) {
      this.unsubscribe();
      stopChains(this.chains);
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.subscriptions.length === 0) return;
    // Unsubscribed first: the link's own 'closed' as it stops would tell the driver a second time.
    this.unsubscribe();
    this.instance.onClose?.();
    try {
      await this.typed.link.stop();
    } finally {
      stopChains(this.chains);
      this.batcher.flush();
    }
  }

  private unsubscribe(): void {
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
  }

  /** Bytes to the driver, cut into lines first when it reads lines; a half line from before a reopening is dropped and counted. */
  private feedBytes(link: BytesLink, instance: BytesDriverInstance): (() => void)[] {
    const { framing } = instance;
    if (framing.kind === 'bytes') return [link.onData((chunk) => instance.onBytes?.(chunk))];
    const framer = new LineFramer((line) => instance.onLine?.(line), {
      delimiter: framing.delimiter,
      maxLineBytes: framing.maxLineBytes,
      onOverflow: (bytes) => this.problems.count('line-too-long', `${bytes} bytes without a line end dropped`),
    });
    return [
      link.onData((chunk) => framer.push(chunk)),
      link.onStatus((state) => {
        if (state !== 'open') return;
        // A line cut by an unplug or a reset: its head is dropped, and counted, never decoded.
        const forgotten = framer.reset();
        if (forgotten > 0) this.problems.count('partial-line', `${forgotten} bytes of a line cut off when the link went down, dropped`);
      }),
    ];
  }
}

/** The device as its driver sees it: options without `type`, sensors with their config paths. */
function deviceBinding(board: BoardConfig, index: number): DeviceBinding<unknown, unknown> {
  const { type: _type, ...options } = board.device;
  const path = `boards[${index}]`;
  return {
    boardId: board.id,
    path,
    options,
    sensors: board.sensors.map(({ name, unit, filters: _filters, ...sensorOptions }, sensorIndex) => ({ name, unit, options: sensorOptions, path: `${path}.sensors[${sensorIndex}]` })),
  };
}

/** The driver's instance, with the context its link gives: writes, pins, or files and buses. */
function createInstance(driver: DriverDefinition, device: DeviceBinding<unknown, unknown>, base: DriverContext, typed: TypedLink, problems: ProblemCounter): DriverInstance {
  if (driver.link === 'bytes' && typed.kind === 'bytes') {
    const link = typed.link;
    const write = (data: Buffer) => link.write(data).catch((error: unknown) => problems.count('write-failed', (error as Error).message));
    return driver.create(device as never, { ...base, write });
  }
  if (driver.link === 'pins' && typed.kind === 'pins') {
    const link = typed.link;
    return driver.create(device as never, { ...base, pins: () => link.pins });
  }
  if (driver.link === 'host' && typed.kind === 'host') return driver.create(device as never, { ...base, files: typed.link.files, i2c: typed.link.i2c });
  throw new Error(`driver ${driver.type} needs a ${driver.link} link`);
}
