import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { FirmwareIdentity } from '../core/firmware.js';
import type { Logger } from '../core/logger.js';
import type { ProblemCounter } from '../core/problems.js';
import type { Reading } from '../core/reading.js';
import type { Pins } from '../transports/johnny-five.js';
import type { I2cBuses } from '../transports/pi/i2c.js';
import type { PiFiles } from '../transports/pi/sysfs.js';

/**
 * What a board's device is reached through. `bytes`: a serial port (real, a twin on a pty or
 * on the mock binding). `pins`: a johnny-five IO (Firmata over a serial port, or the Pi's
 * header). `host`: the gateway's own files and buses (1-Wire, I2C, /proc, /sys).
 */
export type LinkKind = 'bytes' | 'pins' | 'host';

/** A problem found by a config rule, located by its path in the config (`boards[1].sensors[0].field`). */
export interface PathProblem {
  readonly path: string;
  readonly message: string;
}

/** One configured sensor of a device: the name and unit it reports under, and its own options. */
export interface SensorBinding<Options> {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly options: Options;
  /** Where the sensor sits in the config (`boards[0].sensors[1]`), so rules can point at it. */
  readonly path: string;
}

/** A board's device as its driver sees it: the device-wide options once, and its sensors. */
export interface DeviceBinding<DeviceOptions, SensorOptions> {
  readonly boardId: string;
  readonly options: DeviceOptions;
  readonly sensors: readonly SensorBinding<SensorOptions>[];
  /** Where the board sits in the config (`boards[0]`). */
  readonly path: string;
}

/** What every running driver may touch: time, counting and output, never a port or a socket. */
export interface DriverContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly problems: ProblemCounter;
  emit(reading: Reading): void;
  /** Offers a trusted UTC time (a GPS fix), to set a wall clock that is unset or wrong. */
  offerTime(utcMs: number, source: string): void;
  /** The device said which firmware it runs (at each reset): the board's birth carries it. Absent where no birth is published. */
  identify?(firmware: FirmwareIdentity): void;
}

/** A driver on a `bytes` link can also answer the device: MH-Z19 and Modbus ask before they are told. */
export interface BytesContext extends DriverContext {
  /** Sends bytes to the device; a failed write is counted as `write-failed`, never thrown. */
  write(data: Buffer): Promise<void>;
}

/** A driver on a `pins` link gets the pins while the board is ready (from onOpen to onClose). */
export interface PinsContext extends DriverContext {
  pins(): Pins | undefined;
}

/** A driver on a `host` link reads the gateway's files and I2C buses. */
export interface HostContext extends DriverContext {
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
}

/**
 * How a bytes driver's bytes are cut before it sees them. A line protocol also states its
 * longest line in bytes (without the delimiter, with a CR before it): longer runs are counted
 * as `line-too-long` and dropped by the framer, so no driver parses a megabyte of noise.
 */
export type Framing = { readonly kind: 'lines'; readonly delimiter: string; readonly maxLineBytes: number } | { readonly kind: 'bytes' };

/** A driver running one board's device. Its handlers never throw: bad input is counted and skipped. */
export interface DriverInstance {
  /** The link (re)opened: polling drivers start asking, pin drivers make their components. */
  onOpen?(): void;
  /** The link closed or the node stops: cancel timers and pending requests. */
  onClose?(): void;
  /**
   * A polling driver reads now rather than at its next turn (the `read-now` command); false
   * when it cannot (not open). Its readings arrive through `emit` as any others do.
   */
  readNow?(): boolean;
}

/** A driver instance on a bytes link: it says how its bytes are framed and takes them. */
export interface BytesDriverInstance extends DriverInstance {
  readonly framing: Framing;
  /** One line without its delimiter (a trailing CR is the driver's to strip), for `lines` framing. */
  onLine?(line: string): void;
  /** Bytes as they arrive, for `bytes` framing. */
  onBytes?(chunk: Buffer): void;
}

type Options<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

/**
 * What every driver declares: the options of its device (given once, under `boards[].device`)
 * and of each of its sensors (under `boards[].sensors[]`, beside name and unit), each a zod
 * shape merged into the config schema (principle: folder = type = key).
 */
interface DriverBase<DeviceShape extends z.ZodRawShape, SensorShape extends z.ZodRawShape> {
  readonly type: string;
  readonly summary: string;
  readonly deviceShape: DeviceShape;
  readonly sensorShape: SensorShape;
  /** Rules between options of the device (a timeout shorter than the interval). */
  refineDevice?(options: Options<DeviceShape>, ctx: z.RefinementCtx): void;
  /** Rules between options of one sensor (scaling applies to numbers only). */
  refineSensor?(options: Options<SensorShape>, ctx: z.RefinementCtx): void;
  /**
   * What stands in for the device in simulation when no twin has the driver's name: a twin of
   * another name (a sketch's twin prints lines, the Firmata twin carries pin devices), a part
   * of the simulated Pi (`piSimulator.<key>`), or the reason there is none.
   */
  readonly simulatedBy?: { readonly twin: string } | { readonly piSimulator: string } | { readonly reason: string };
  /** Rules across the sensors of the device (two sensors on one probe); problems by config path. */
  checkDevice?(device: DeviceBinding<Options<DeviceShape>, Options<SensorShape>>): PathProblem[];
}

/** A driver of a serial device. */
export interface BytesDriverDefinition<DeviceShape extends z.ZodRawShape = z.ZodRawShape, SensorShape extends z.ZodRawShape = z.ZodRawShape> extends DriverBase<DeviceShape, SensorShape> {
  readonly link: 'bytes';
  /** The rate the device's firmware talks at, when the config gives none. */
  readonly defaultBaud: number;
  create(device: DeviceBinding<Options<DeviceShape>, Options<SensorShape>>, context: BytesContext): BytesDriverInstance;
}

/** A driver of pins, on a Firmata board or the Pi's header. */
export interface PinsDriverDefinition<DeviceShape extends z.ZodRawShape = z.ZodRawShape, SensorShape extends z.ZodRawShape = z.ZodRawShape> extends DriverBase<DeviceShape, SensorShape> {
  readonly link: 'pins';
  create(device: DeviceBinding<Options<DeviceShape>, Options<SensorShape>>, context: PinsContext): DriverInstance;
}

/** A driver of the gateway's own files and buses. */
export interface HostDriverDefinition<DeviceShape extends z.ZodRawShape = z.ZodRawShape, SensorShape extends z.ZodRawShape = z.ZodRawShape> extends DriverBase<DeviceShape, SensorShape> {
  readonly link: 'host';
  create(device: DeviceBinding<Options<DeviceShape>, Options<SensorShape>>, context: HostContext): DriverInstance;
}

/** A device protocol, told apart by the link it needs; built-in or from a plugin package. */
export type DriverDefinition<DeviceShape extends z.ZodRawShape = z.ZodRawShape, SensorShape extends z.ZodRawShape = z.ZodRawShape> =
  | BytesDriverDefinition<DeviceShape, SensorShape>
  | PinsDriverDefinition<DeviceShape, SensorShape>
  | HostDriverDefinition<DeviceShape, SensorShape>;

/** Keys every sensor entry has: a driver's sensor option may not take one of these names. */
export const SENSOR_KEYS = ['name', 'unit', 'filters'] as const;
/** Keys of `device`: `type` picks the driver, `baud` is the serial rate of bytes and Firmata devices. */
export const DEVICE_KEYS = ['type', 'baud'] as const;
