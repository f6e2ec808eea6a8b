import type { z } from 'zod';
import type { Clock } from '../src/core/clock.js';

/**
 * The device's side of a wire. The same twin writes to an in-process mock port, a pty or
 * stdout; `write` returns false when the reader is behind, as a Node stream does.
 */
export interface DeviceLink {
  write(data: Buffer): boolean;
}

/** A software twin of a device: once started, it emits what the real device emits. */
export interface SimulatedDevice {
  start(): void;
  /** Stops emitting; safe to call twice. */
  stop(): void;
  /** Bytes the host sent to the device (requests, commands); devices that only talk ignore them. */
  receive?(data: Buffer): void;
}

/** A simulator as the config and `fieldnode simulate` know it, keyed by device name. */
export interface SimulatorDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly device: string;
  readonly summary: string;
  /** The baud rate the real device's firmware uses, offered as the board's default. */
  readonly defaultBaud: number;
  readonly optionsShape: Shape;
  create(options: z.infer<z.ZodObject<Shape>>, link: DeviceLink, clock: Clock): SimulatedDevice;
  /**
   * Config rules between the device and the sensors read from it (a twin printing CSV cannot
   * be read as key=value). Gets the raw sensor entries; returns problems by sensor path.
   */
  checkSensors?(options: Record<string, unknown>, sensors: readonly { path: string; driver: Record<string, unknown> }[]): { path: string; message: string }[];
}
