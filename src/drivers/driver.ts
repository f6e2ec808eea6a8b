import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { ProblemCounter } from '../core/problems.js';
import type { Reading } from '../core/reading.js';

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
}

/** How a driver wants its bytes cut before they reach it; the transport does the cutting. */
export type Framing = 'lines';

/** A driver running on one board, fed one framed unit (here: a line) at a time. */
export interface DriverInstance {
  readonly framing: Framing;
  /** Never throws: bad input is counted in the context's problems and skipped. */
  onLine(line: string): void;
}

/**
 * A sensor protocol. Its options schema is merged into the config schema under
 * `sensors[].driver` with `type` as the discriminator (principle: folder = type = key).
 */
export interface DriverDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly type: string;
  readonly summary: string;
  readonly optionsShape: Shape;
  /** Rules that span several options of one sensor (which option a format requires). */
  refineOptions?(options: z.infer<z.ZodObject<Shape>>, ctx: z.RefinementCtx): void;
  /** Rules that span the sensors sharing one board; returns problems located by sensor path. */
  checkBoard?(sensors: readonly SensorBinding<z.infer<z.ZodObject<Shape>>>[]): { path: string; message: string }[];
  /** Builds one instance for all of a board's sensors of this type, so each line is parsed once. */
  create(sensors: readonly SensorBinding<z.infer<z.ZodObject<Shape>>>[], context: DriverContext): DriverInstance;
}
