/**
 * What a device twin is to the runtime. The simulators implement these interfaces, and so
 * may a plugin package; the runtime itself never imports a twin.
 */
import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { PathProblem } from '../drivers/driver.js';
import type { DeviceLink, SimulatedDevice } from '../transports/link.js';

export type { DeviceLink, SimulatedDevice } from '../transports/link.js';

/** The device a twin stands in for, as the config describes it (raw entries: they may be invalid). */
export interface DescribedDevice {
  /** `boards[2]`. */
  readonly path: string;
  readonly type: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly sensors: readonly { readonly path: string; readonly options: Readonly<Record<string, unknown>> }[];
}

/** A twin as the config (`boards[].simulator`) and `fieldnode simulate` know it, keyed by device name. */
export interface TwinDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly device: string;
  /**
   * An option whose presence names this twin, so `simulator` may leave `device` out: the
   * firmware twin's `simulator: { firmware: weather-station }`. At most one twin has one.
   */
  readonly impliedBy?: string;
  readonly summary: string;
  /** The baud rate the real device's firmware uses, offered as the board's default. */
  readonly defaultBaud: number;
  readonly optionsShape: Shape;
  /** Which drivers can read what it emits: driver types, or `pins` for any pin driver (a Firmata board). */
  readonly readBy: 'pins' | readonly string[];
  create(options: z.infer<z.ZodObject<Shape>>, link: DeviceLink, clock: Clock): SimulatedDevice;
  /** Rules between the twin's options and the device read from it (a twin printing CSV cannot be read as kv). */
  checkDevice?(twinOptions: Readonly<Record<string, unknown>>, device: DescribedDevice): PathProblem[];
}

/** The twin name a raw `simulator` entry gives: its `device`, or the twin one of its keys implies. */
export function twinNameOf(simulator: Readonly<Record<string, unknown>> | undefined, twins: Readonly<Record<string, TwinDefinition>>): unknown {
  if (!simulator || simulator['device'] !== undefined) return simulator?.['device'];
  return Object.values(twins).find((twin) => twin.impliedBy !== undefined && simulator[twin.impliedBy] !== undefined)?.device;
}
