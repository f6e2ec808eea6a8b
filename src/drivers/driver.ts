import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ProblemCounter } from '../core/problems.js';
import type { Reading } from '../core/reading.js';
import type { BoardPins } from '../transports/johnny-five.js';

/** How a board reaches the node: a serial port, or the Raspberry Pi's own files (sysfs, procfs). */
export type BoardTransport = 'serial' | 'pi' | 'firmata';

/** One configured sensor as its driver sees it: the name and unit it reports under, and its options. */
export interface SensorBinding<Options> {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly options: Options;
  /** Where the sensor sits in the config, so driver cross-checks can point at it. */
  readonly path: string;
}

/** What a running driver may touch: no ports, no sockets, only time, counting and output. */
export interface DriverContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly problems: ProblemCounter;
  emit(reading: Reading): void;
  /** Sends bytes to the device, for drivers that ask before the device answers (MH-Z19, Modbus). */
  write(data: Buffer): Promise<void>;
  /** Offers a trusted UTC time (a GPS fix), to set a wall clock that is unset or wrong. */
  offerTime?(utcMs: number, source: string): void;
  /** On a firmata board, or a pi board's GPIO: johnny-five and the board, while it is ready (from onOpen to onClose). */
  pins?(): BoardPins | undefined;
}

/**
 * How a driver wants its bytes: cut into text lines at `delimiter` by the transport's line
 * framer, or raw, for binary protocols that find their own frames.
 */
/**
 * How a driver's bytes are cut before it sees them. A line protocol also states its longest
 * line in bytes (without the delimiter, with a CR before it): longer runs are counted as
 * `line-too-long` and dropped by the framer, so no driver parses a megabyte of noise.
 */
export type Framing = { readonly kind: 'lines'; readonly delimiter: string; readonly maxLineBytes: number } | { readonly kind: 'bytes' };

/** A driver running on one board. Its handlers never throw: bad input is counted in the context's problems and skipped. */
export interface DriverInstance {
  readonly framing: Framing;
  /** One line without its delimiter (a trailing CR is the driver's to strip), for `lines` framing. */
  onLine?(line: string): void;
  /** Bytes as they arrive, for `bytes` framing. */
  onBytes?(chunk: Buffer): void;
  /** The port (re)opened: polling drivers start asking, frame scanners forget partial frames. */
  onOpen?(): void;
  /** The port closed or the node stops: cancel timers and pending requests. */
  onClose?(): void;
}

/**
 * A sensor protocol. Its options schema is merged into the config schema under
 * `sensors[].driver` with `type` as the discriminator (principle: folder = type = key).
 */
export interface DriverDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly type: string;
  readonly summary: string;
  readonly optionsShape: Shape;
  /** The board transports it reads from; `serial` when not given. */
  readonly transports?: readonly BoardTransport[];
  /** Reads pins through johnny-five: a pi board opens its GPIO only for such drivers. */
  readonly readsPins?: boolean;
  /** Rules that span several options of one sensor (which option a format requires). */
  refineOptions?(options: z.infer<z.ZodObject<Shape>>, ctx: z.RefinementCtx): void;
  /** Rules that span the sensors sharing one board; returns problems located by sensor path. */
  checkBoard?(sensors: readonly SensorBinding<z.infer<z.ZodObject<Shape>>>[]): { path: string; message: string }[];
  /** Builds one instance for all of a board's sensors of this type, so each line is parsed once. */
  create(sensors: readonly SensorBinding<z.infer<z.ZodObject<Shape>>>[], context: DriverContext): DriverInstance;
}
