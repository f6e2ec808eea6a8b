/**
 * The firmware twin: the compiled .hex of one of fieldnode's sketches, running in an
 * emulated Arduino, is the device behind a board's serial port. Where the other twins
 * re-implement what a sketch prints, this one runs the sketch itself: the exact bytes a
 * technician flashes talk to the runtime's serial code. Config:
 *
 *   simulator: { firmware: weather-station, board: arduino-uno }
 */
import { z } from 'zod';
import { FieldnodeError, VirtualClock, type Clock, type DeviceLink, type SimulatedDevice, type TwinDefinition } from '../../src/index.js';
import { emulatedBoards, type EmulatedBoardId } from './boards.js';
import { runInThisThread, runInWorker, type BoardRun } from './board-run.js';
import { firmwareSketches, loadFirmware, type FirmwareSketchName } from './sketches.js';
import type { WorldObservation } from './world.js';

const sketchNames = Object.keys(firmwareSketches) as [FirmwareSketchName, ...FirmwareSketchName[]];
const boardIds = Object.keys(emulatedBoards) as [EmulatedBoardId, ...EmulatedBoardId[]];

/** Options of `boards[].simulator` with `firmware:`. */
export const firmwareOptionsShape = {
  firmware: z.enum(sketchNames).describe('the sketch whose compiled .hex runs in the emulated board'),
  board: z.enum(boardIds).default('arduino-uno').describe('the board it is built for and emulated as'),
  seed: z.number().int().default(1).describe('seed of the physical models wired to its pins; the same seed replays the same world'),
  hex: z.string().min(1).optional().describe('the .hex to run; by default the build output dist/firmware/<firmware>/<board>.hex'),
};

export type FirmwareTwinOptions = z.infer<z.ZodObject<typeof firmwareOptionsShape>>;

/** An emulated board running a sketch's .hex. */
export class FirmwareTwin implements SimulatedDevice {
  private readonly loaded: ReturnType<typeof loadFirmware>;
  private readonly observationListeners: ((observation: WorldObservation) => void)[] = [];
  private run: BoardRun | undefined;

  /** Reads and checks the .hex now, so a missing build is reported before anything starts. */
  constructor(
    private readonly options: FirmwareTwinOptions,
    private readonly link: DeviceLink,
    private readonly clock: Clock,
  ) {
    this.loaded = loadFirmware(options.firmware, options.board, options.hex);
  }

  /** Called with what the world put on a sensor each time the firmware read it. */
  onObservation(listener: (observation: WorldObservation) => void): () => void {
    this.observationListeners.push(listener);
    return () => this.observationListeners.splice(this.observationListeners.indexOf(listener) >>> 0, 1);
  }

  /** Powers the board: it resets and runs its sketch from the first instruction. */
  start(): void {
    if (this.run) return;
    const spec = { sketch: this.options.firmware, board: this.options.board, flash: this.loaded.flash, seed: this.options.seed, epochMs: this.clock.now() };
    const events = {
      serial: (data: Buffer) => void this.link.write(data),
      observation: (observation: WorldObservation) => {
        for (const listener of this.observationListeners) listener(observation);
      },
      failed: (error: Error) => {
        this.run = undefined;
        process.emitWarning(`the emulated ${this.options.board} running ${this.options.firmware} stopped: ${error.message}`);
      },
    };
    // A test's virtual clock only moves when the test says: the board lives in its time, here.
    // Real time runs the CPU in a worker thread, off the event loop that reads the port.
    this.run = this.clock instanceof VirtualClock ? runInThisThread(spec, events, this.clock) : runInWorker(spec, events);
  }

  /** Cuts the power; start() again is a fresh reset. */
  stop(): void {
    void this.run?.stop();
    this.run = undefined;
  }

  /** Bytes the host writes arrive on the board's RX pin. */
  receive(data: Buffer): void {
    this.run?.receive(data);
  }
}

/** The firmware twin as the simulator registry offers it. */
export const firmwareSimulator: TwinDefinition<typeof firmwareOptionsShape> = {
  device: 'firmware',
  impliedBy: 'firmware',
  summary: "one of fieldnode's sketches, compiled, running in an emulated Arduino Uno or Nano (avr8js)",
  defaultBaud: 9600,
  optionsShape: firmwareOptionsShape,
  readBy: ['lines'],
  create: (options, link, clock) => new FirmwareTwin(options, link, clock),
};

/** Whether this package was given its firmware: not when the AVR toolchain was missing at build time. */
export function firmwareBuilt(sketch: FirmwareSketchName, board: EmulatedBoardId): boolean {
  try {
    loadFirmware(sketch, board);
    return true;
  } catch (error) {
    if (error instanceof FieldnodeError) return false;
    throw error;
  }
}
