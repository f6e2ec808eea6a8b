/**
 * `fieldnode flash`: runs Debian's avrdude against a board's bootloader with the facts of its
 * profile, streams avrdude's progress to the technician, and explains a failure.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { boardsDirectory, listBoardProfiles, loadBoardProfile } from '../boards/load.js';
import { packageRoot } from '../package-root.js';
import { explainOpenError } from '../transports/serial-errors.js';
import { avrdudeArguments, FlashUsageError, formatCommand, selectUpload } from './avrdude-command.js';
import { avrdudeMissing, bytesWritten, explainAvrdudeFailure, FlashError, type FlashAttempt } from './avrdude-errors.js';

/** What the technician asked for. */
export interface FlashRequest {
  readonly board: string;
  readonly port: string;
  /** A sketch of the board's profile, flashed from the firmware build's output. */
  readonly sketch?: string;
  /** A .hex file to flash instead of the build's. */
  readonly hex?: string;
  /** Another bootloader of the profile than its first (the Nano's old `atmegaboot`). */
  readonly bootloader?: string;
  /** Where avrdude's progress goes (stderr). */
  readonly progress: Writable;
  /** The avrdude to run; Debian's by default. */
  readonly avrdude?: string;
}

/** What a flash did, for the line the command prints at the end. */
export interface FlashResult {
  readonly hexPath: string;
  readonly bytesWritten: number | undefined;
  readonly seconds: number;
}

/** The avrdude command a request runs, without running it: for --dry-run and the run itself. */
export function planFlash(request: Omit<FlashRequest, 'progress'>): { command: string; args: string[]; hexPath: string; attempt: FlashAttempt } {
  const profile = loadArduinoProfile(request.board);
  const upload = selectUpload(profile, request.bootloader);
  const hexPath = request.hex ?? builtHexPath(profile.id, profile.sketches, request.sketch);
  const command = request.avrdude ?? 'avrdude';
  return {
    command,
    args: avrdudeArguments(upload, request.port, hexPath),
    hexPath,
    attempt: { boardId: profile.id, boardName: profile.name, port: request.port, upload, otherBootloaders: profile.upload.filter((other) => other !== upload) },
  };
}

/** Flashes the board; resolves when avrdude has written and verified the flash. */
export async function flashBoard(request: FlashRequest): Promise<FlashResult> {
  const plan = planFlash(request);
  if (!existsSync(plan.hexPath)) {
    throw request.hex !== undefined ? new FlashError(`${plan.hexPath} does not exist: give the path of a .hex file`) : notBuilt(plan.hexPath, request);
  }
  checkPort(request.port);
  request.progress.write(`fieldnode: ${formatCommand(plan.command, plan.args)}\n`);
  const started = performance.now();
  const { code, output } = await runAvrdude(plan.command, plan.args, request.progress);
  if (code !== 0) throw explainAvrdudeFailure(output, plan.attempt);
  return { hexPath: plan.hexPath, bytesWritten: bytesWritten(output), seconds: (performance.now() - started) / 1000 };
}

/**
 * A missing or forbidden port, said before avrdude runs: avrdude 7.1's wiring programmer
 * (the Mega's) goes on after a failed open and waits for an answer that never comes.
 */
function checkPort(port: string): void {
  try {
    if (!statSync(port).isCharacterDevice()) throw new FlashError(`${port} is not a serial port: give the board's port (fieldnode ports lists them)`);
    accessSync(port, constants.R_OK | constants.W_OK);
  } catch (error) {
    if (error instanceof FlashError) throw error;
    throw explainOpenError(port, error as Error);
  }
}

/** The board's profile, when it is an Arduino fieldnode knows. */
function loadArduinoProfile(id: string) {
  const arduinos = () =>
    listBoardProfiles()
      .filter((profile) => profile.kind === 'arduino')
      .map((profile) => profile.id);
  if (!/^[a-z0-9-]+$/.test(id) || !existsSync(join(boardsDirectory(), id, 'board.yaml'))) throw new FlashUsageError(`unknown board "${id}": choose ${arduinos().join(', ')}`);
  const profile = loadBoardProfile(id);
  if (profile.kind !== 'arduino') throw new FlashUsageError(`${id} is not flashed with avrdude: choose ${arduinos().join(', ')}`);
  return profile;
}

/** Where the firmware build (`npm run build:firmware`) writes a sketch's .hex for a board. */
export function builtHexPath(boardId: string, sketches: readonly { name: string; path?: string | undefined }[], sketch: string | undefined): string {
  if (sketch === undefined) throw new FlashUsageError('say what to flash: --sketch <name> (built by npm run build:firmware) or --hex <file>');
  const known = sketches.find((candidate) => candidate.name === sketch);
  if (!known) throw new FlashUsageError(`${boardId} runs no sketch "${sketch}": choose ${sketches.map((candidate) => candidate.name).join(', ')}`);
  if (known.path === undefined) throw new FlashUsageError(`${sketch} is a library example fieldnode does not build: build it with the Arduino IDE or arduino-cli and give --hex <file>`);
  return join(packageRoot(), 'dist', 'firmware', sketch, `${boardId}.hex`);
}

function notBuilt(hexPath: string, request: FlashRequest): FlashError {
  return new FlashError(
    `the ${request.sketch} firmware for ${request.board} is not built (no ${hexPath}): build it with npm run build:firmware in fieldnode's source tree (it needs the Debian packages gcc-avr, avr-libc and arduino-core-avr), or give --hex <file>`,
  );
}

/** Runs avrdude, copying what it prints to `progress` as it comes, and keeps the output to explain a failure. */
function runAvrdude(command: string, args: string[], progress: Writable): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      progress.write(chunk);
      output = (output + chunk.toString()).slice(-65536);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? avrdudeMissing() : new FlashError(`cannot run ${command}: ${error.message}`, { cause: error })));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}
