/**
 * `startTwin`: one device twin for a test, either on a pty (the code under test opens a
 * serial port path, as it would open /dev/ttyUSB0) or in-process (the test feeds the bytes
 * to its code itself, with no socat needed).
 */
import type { z } from 'zod';
import { FieldnodeError, systemClock, type Clock, type SimulatedDevice, type TwinDefinition } from '../../src/index.js';
import { createDevice, hostOnPty, resolveTwin, type PtyHostedDevice } from '../host.js';
import type { simulatorRegistry, SimulatedDeviceName } from '../registry.js';
import { faultControl, type FaultControl } from './fault-control.js';
import { EmissionRecorder, type NextDataOptions } from './recording.js';

type BundledTwins = typeof simulatorRegistry;

/** A twin by bundled name (`sds011`) or by definition (a plugin's). */
// `string & {}` keeps the bundled names offered by editors while any name is accepted and checked at run time.
export type TwinName = SimulatedDeviceName | (string & {});

/** The options a twin accepts, as written: typed for bundled names and typed definitions. */
export type TwinOptionsOf<Twin> = Twin extends SimulatedDeviceName
  ? z.input<z.ZodObject<BundledTwins[Twin]['optionsShape']>>
  : Twin extends TwinDefinition<infer Shape>
    ? z.input<z.ZodObject<Shape>>
    : Record<string, unknown>;

/** How to start a twin. */
export interface TwinStartOptions<Options = Record<string, unknown>> {
  /** The twin's own options (seed, interval, fault rates...), checked against its schema. */
  readonly options?: Options;
  /** On a pty: true for a new path in a temp directory, or the path to create. Needs socat. */
  readonly pty?: boolean | string;
  /** The twin's time: a VirtualClock lets a test step through frames without waiting. */
  readonly clock?: Clock;
  /** How many of the last writes `emitted()` keeps (default 1024). */
  readonly keep?: number;
}

/** What every started twin offers. */
export interface StartedTwin extends FaultControl {
  /** The twin's device name (`sds011`). */
  readonly name: string;
  /** The running device itself, for twin-specific calls. */
  readonly device: SimulatedDevice;
  /** The last writes (up to `keep`), oldest first: one frame or line each for the bundled twins. */
  emitted(): Buffer[];
  /** The kept writes as one buffer. */
  emittedBytes(): Buffer;
  /** Called with each write from now on; returns the call that unsubscribes. */
  onData(listener: (data: Buffer) => void): () => void;
  /** The next write (that `matching` accepts); rejects after `timeoutMs` or when the twin stops. */
  nextData(options?: NextDataOptions): Promise<Buffer>;
  /** Stops the device and removes its pty; safe to call twice. */
  stop(): Promise<void>;
}

/** A twin running inside the test's process: no pty, the test moves the bytes. */
export interface InProcessTwin extends StartedTwin {
  readonly kind: 'in-process';
  /** Sends the device bytes, as the host side of its serial line would (requests, commands). */
  write(data: Uint8Array | string): void;
}

/** A twin on a pty, which any serial library opens by `path`. */
export interface PtyTwin extends StartedTwin {
  readonly kind: 'pty';
  /** What the code under test opens; the same path after a replug. */
  readonly path: string;
  /** False between unplug() and replug(). */
  readonly plugged: boolean;
  /** Pulls the cable: the pty disappears, the device keeps running and its bytes are lost. */
  unplug(): Promise<void>;
  /** Plugs it back in: a new pty under the same path. */
  replug(): Promise<void>;
}

type StartOptionsFor<Twin> = TwinStartOptions<TwinOptionsOf<Twin>>;

/** Starts a twin on a pty; the code under test opens `twin.path`. */
export function startTwin<Twin extends TwinName | TwinDefinition>(twin: Twin, start: StartOptionsFor<Twin> & { readonly pty: true | string }): Promise<PtyTwin>;
/** Starts a twin in-process; read it with `onData`/`emitted()`, talk to it with `write`. */
export function startTwin<Twin extends TwinName | TwinDefinition>(twin: Twin, start?: StartOptionsFor<Twin> & { readonly pty?: false }): Promise<InProcessTwin>;
/** Starts a twin on a pty when `pty` is set, in-process otherwise. */
export function startTwin<Twin extends TwinName | TwinDefinition>(twin: Twin, start?: StartOptionsFor<Twin>): Promise<PtyTwin | InProcessTwin>;
export async function startTwin(twin: TwinName | TwinDefinition, start: TwinStartOptions = {}): Promise<PtyTwin | InProcessTwin> {
  const definition = resolveTwin(twin);
  const recorder = new EmissionRecorder(start.keep);
  const recorded = recorder.wrapTwin(definition);
  const rawOptions = (start.options ?? {}) as Record<string, unknown>;
  const clock = start.clock ?? systemClock;
  if (start.pty !== undefined && start.pty !== false && start.pty !== true && (typeof start.pty !== 'string' || start.pty === '')) {
    throw new FieldnodeError(`pty is true, false or the path to create (got ${JSON.stringify(start.pty)})`, 'USAGE');
  }
  if (start.pty) {
    const hosted = await hostOnPty(recorded, rawOptions, { clock, ...(typeof start.pty === 'string' ? { hostPath: start.pty } : {}) });
    return ptyTwin(definition.device, hosted, recorder);
  }
  return inProcessTwin(definition.device, createDevice(recorded, rawOptions, { write: () => true }, clock), recorder);
}

/** The public face of a twin hosted on a pty (by startTwin, or by a scenario). */
export function ptyTwin(name: string, hosted: PtyHostedDevice, recorder: EmissionRecorder): PtyTwin {
  let stopping: Promise<void> | undefined;
  return {
    ...startedTwin(name, hosted.device, recorder),
    kind: 'pty',
    path: hosted.pty.hostPath,
    get plugged() {
      return hosted.plugged;
    },
    unplug: () => hosted.unplug(),
    async replug() {
      if (stopping) throw new FieldnodeError(`the ${name} twin is stopped; it cannot be plugged back in`, 'USAGE');
      await hosted.replug();
    },
    stop() {
      stopping ??= hosted.stop().finally(() => recorder.close(`the ${name} twin stopped`));
      return stopping;
    },
  };
}

function inProcessTwin(name: string, device: SimulatedDevice, recorder: EmissionRecorder): InProcessTwin {
  let stopped = false;
  device.start();
  return {
    ...startedTwin(name, device, recorder),
    kind: 'in-process',
    write(data) {
      // A stopped device, like one without power, ignores what it is sent.
      if (!stopped) device.receive?.(Buffer.from(data));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      device.stop();
      recorder.close(`the ${name} twin stopped`);
    },
  };
}

function startedTwin(name: string, device: SimulatedDevice, recorder: EmissionRecorder): Omit<StartedTwin, 'stop'> {
  return {
    ...faultControl(device, name),
    name,
    device,
    emitted: () => recorder.emitted(),
    emittedBytes: () => Buffer.concat(recorder.emitted()),
    onData: (listener) => recorder.onData(listener),
    nextData: (options) => recorder.nextData(options),
  };
}
