/**
 * One emulated board running one sketch in its world, in this thread (in step with any
 * Clock, virtual time included) or in a worker thread (in step with the wall clock, so the
 * CPU's work never stalls the event loop that reads its serial port). Both speak the same
 * interface, so the twin does not care where its board runs.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Clock } from '../../src/index.js';
import { emulatedBoards, type EmulatedBoardId } from './boards.js';
import { AvrMachine } from './machine.js';
import { PacedMachine } from './paced.js';
import { firmwareSketches, type FirmwareSketchName } from './sketches.js';
import type { WorldObservation } from './world.js';

/** What a board run is made of: plain data, so it crosses into a worker. */
export interface BoardRunSpec {
  readonly sketch: FirmwareSketchName;
  readonly board: EmulatedBoardId;
  readonly flash: Uint8Array;
  readonly seed: number;
  /** Wall time at the board's reset. */
  readonly epochMs: number;
}

/** What a running board tells its owner. */
export interface BoardRunEvents {
  /** Bytes the firmware sent on its serial port. */
  serial(data: Buffer): void;
  /** What the world put on a sensor as the firmware read it. */
  observation(observation: WorldObservation): void;
  /** The worker died (a bug, not bad input): the board is dead, as a board whose firmware crashed. */
  failed(error: Error): void;
}

export interface BoardRun {
  /** Bytes arriving on the board's RX pin. */
  receive(data: Buffer): void;
  stop(): Promise<void>;
}

/** Builds the machine, wires its world and paces it with `clock`; not started. */
export function pacedBoard(spec: BoardRunSpec, events: Pick<BoardRunEvents, 'serial' | 'observation'>, clock: Clock): PacedMachine {
  const sketch = firmwareSketches[spec.sketch];
  const machine = new AvrMachine(emulatedBoards[spec.board], spec.flash, spec.epochMs);
  sketch.world(machine, spec.seed, events.observation);
  return new PacedMachine(machine, clock, events.serial);
}

/** Runs the board in this thread, in step with `clock`. */
export function runInThisThread(spec: BoardRunSpec, events: BoardRunEvents, clock: Clock): BoardRun {
  const paced = pacedBoard(spec, events, clock);
  paced.start();
  return {
    receive: (data) => paced.machine.receiveSerial(data),
    stop: async () => paced.stop(),
  };
}

/** Messages between a board's worker and its owner. */
export type FromWorker = { readonly kind: 'serial'; readonly data: Uint8Array } | { readonly kind: 'observation'; readonly observation: WorldObservation };
export type ToWorker = { readonly kind: 'receive'; readonly data: Uint8Array };

/** Runs the board in a worker thread, in step with the wall clock. */
export function runInWorker(spec: BoardRunSpec, events: BoardRunEvents): BoardRun {
  const worker = startWorker(spec);
  let stopped = false;
  worker.on('message', (message: FromWorker) => {
    if (stopped) return;
    if (message.kind === 'serial') events.serial(Buffer.from(message.data));
    else events.observation(message.observation);
  });
  worker.on('error', (error) => {
    if (!stopped) events.failed(error);
  });
  return {
    receive(data) {
      if (!stopped) worker.postMessage({ kind: 'receive', data } satisfies ToWorker);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker.terminate();
    },
  };
}

/**
 * The worker beside this module: compiled JavaScript once built; under the test runner and
 * tsx, its TypeScript source, which the worker loads through tsx's loader (a devDependency,
 * present wherever the sources run).
 */
function startWorker(spec: BoardRunSpec): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./board-worker.js', import.meta.url), { workerData: spec });
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const script = new URL('./board-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`, { eval: true, workerData: spec });
}
