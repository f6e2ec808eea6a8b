/**
 * fieldnode's own Arduino sketches as the emulator runs them: the boards each is built for,
 * the world wired to its pins, and where the build put its .hex (firmware/Makefile writes
 * dist/firmware/<sketch>/<board>.hex: the bytes a technician flashes).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FieldnodeError, packageRoot } from '../../src/index.js';
import { emulatedBoards, type EmulatedBoard, type EmulatedBoardId } from './boards.js';
import { IntelHexError, parseIntelHex } from './intel-hex.js';
import { analogInputsWorld, weatherStationWorld, type WireWorld } from './world.js';

export interface FirmwareSketch {
  readonly summary: string;
  /** The emulated boards it is built for (the Makefile may build it for more). */
  readonly boards: readonly EmulatedBoardId[];
  readonly world: WireWorld;
}

/**
 * The sketches the emulator runs, by the name the build and the `# firmware` line give them.
 * Both print kv lines at 9600 baud (the firmware twin's readBy and defaultBaud).
 */
export const firmwareSketches = {
  'weather-station': {
    summary: 'the weather-station sketch: a BME280 on I2C and a rain gauge on pin 2, printed as kv lines',
    boards: ['arduino-uno', 'arduino-nano'],
    world: weatherStationWorld,
  },
  'lines-analog': {
    summary: 'the lines-analog sketch: every analog input as kv lines, an LM35 on A0',
    boards: ['arduino-uno', 'arduino-nano'],
    world: analogInputsWorld,
  },
} as const satisfies Record<string, FirmwareSketch>;

export type FirmwareSketchName = keyof typeof firmwareSketches;

/** Where the build writes a sketch's .hex for a board. */
export function firmwareHexPath(sketch: string, board: string): string {
  return join(packageRoot(), 'dist', 'firmware', sketch, `${board}.hex`);
}

/** A sketch, its board and the flash image of its .hex; throws a FieldnodeError a technician can act on. */
export function loadFirmware(sketch: string, board: string, hexPath?: string): { sketch: FirmwareSketch; board: EmulatedBoard; flash: Uint8Array; path: string } {
  const known = (firmwareSketches as Record<string, FirmwareSketch>)[sketch];
  if (!known) throw new FieldnodeError(`no sketch "${sketch}"; the emulator runs ${Object.keys(firmwareSketches).join(', ')}`, 'USAGE');
  if (!(known.boards as readonly string[]).includes(board)) throw new FieldnodeError(`${sketch} runs in the emulator on ${known.boards.join(', ')}, not ${board}`, 'USAGE');
  const emulated = emulatedBoards[board as EmulatedBoardId];
  const path = hexPath ?? firmwareHexPath(sketch, board);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const built = hexPath === undefined ? ': build it with `npm run build:firmware` (needs the Debian packages gcc-avr, avr-libc, arduino-core-avr)' : '';
    throw new FieldnodeError(`cannot read the firmware ${displayPath(path)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})${built}`, 'USAGE');
  }
  try {
    return { sketch: known, board: emulated, flash: parseIntelHex(text, emulated.flashBytes).bytes, path };
  } catch (error) {
    if (error instanceof IntelHexError) throw new FieldnodeError(`${displayPath(path)} is not a usable Intel HEX file for ${board}: ${error.message}`, 'USAGE');
    throw error;
  }
}

function displayPath(path: string): string {
  const inPackage = relative(packageRoot(), path);
  return inPackage.startsWith('..') ? path : inPackage;
}
