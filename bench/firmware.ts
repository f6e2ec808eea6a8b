/**
 * Firmware in the loop: how long the sketches take to compile (when the AVR toolchain is
 * installed), how many emulated MHz the AVR core reaches on this machine, and whether a
 * 16 MHz board keeps real time: in a worker thread (what the twin does) and, for
 * comparison, on the event loop, with the loop's delay while it runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '../src/core/clock.js';
import { emulatedBoards } from '../simulators/firmware/boards.js';
import { pacedBoard, runInWorker, type BoardRunSpec } from '../simulators/firmware/board-run.js';
import { firmwareSketches, loadFirmware, type FirmwareSketchName } from '../simulators/firmware/sketches.js';
import { findBinary } from '../simulators/find-binary.js';
import { printTable } from './support.js';

/** Emulated seconds per speed run. */
const EMULATED_SECONDS = 5;
/** Wall seconds per real-time run. */
const REAL_TIME_SECONDS = 10;

/** Compiles each sketch for each board from scratch (its core included), one at a time. */
function compileTimes(): [string, string, string][] {
  if (!findBinary('avr-gcc') || !findBinary('make') || !existsSync('/usr/share/arduino/hardware/arduino/avr/cores/arduino/Arduino.h')) {
    return [['compile', 'skipped', 'the AVR toolchain is not installed (apt-get install gcc-avr avr-libc arduino-core-avr)']];
  }
  const rows: [string, string, string][] = [];
  const out = mkdtempSync(join(tmpdir(), 'fieldnode-firmware-bench-'));
  try {
    const make = (target: string) => {
      const started = performance.now();
      execFileSync('make', ['-C', 'firmware', '--no-print-directory', '-j1', `OUT=${out}`, target], { stdio: 'pipe' });
      return performance.now() - started;
    };
    for (const [sketch, { boards }] of Object.entries(firmwareSketches)) {
      for (const board of boards) {
        const core = existsSync(join(out, '.build', board, 'core.a'));
        rows.push([`${sketch} ${board}`, `${(make(join(out, sketch, `${board}.hex`)) / 1000).toFixed(2)} s`, core ? 'the sketch and its libraries (core built already)' : 'the sketch, its libraries and the Arduino core']);
      }
    }
    rows.push(['lines-analog arduino-mega', `${(make(join(out, 'lines-analog', 'arduino-mega.hex')) / 1000).toFixed(2)} s`, 'the sketch and the core (built, not emulated)']);
    rows.push(['nothing changed', `${(make('all') / 1000).toFixed(2)} s`, 'make finds every .hex up to date']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return rows;
}

/** Emulated MHz of a sketch run flat out on this thread. */
function emulatedMhz(sketch: FirmwareSketchName): [string, string, string] {
  const board = firmwareSketches[sketch].boards[0];
  const { flash } = loadFirmware(sketch, board);
  const spec: BoardRunSpec = { sketch, board, flash, seed: 1, epochMs: Date.now() };
  const machine = pacedBoard(spec, { serial: () => undefined, observation: () => undefined }, systemClock).machine;
  const cycles = emulatedBoards[board].frequencyHz * EMULATED_SECONDS;
  const started = performance.now();
  machine.runUntil(cycles);
  const mhz = cycles / ((performance.now() - started) * 1000);
  return [`${sketch} ${board}`, `${mhz.toFixed(1)} MHz`, `${(mhz / 16).toFixed(2)}x a 16 MHz board, ${EMULATED_SECONDS} s emulated`];
}

/** Runs the weather station for REAL_TIME_SECONDS of wall time; counts its lines and the event loop's delay. */
async function realTime(where: 'worker' | 'event loop'): Promise<[string, string, string]> {
  const { flash } = loadFirmware('weather-station', 'arduino-uno');
  const spec: BoardRunSpec = { sketch: 'weather-station', board: 'arduino-uno', flash, seed: 1, epochMs: Date.now() };
  let text = '';
  let firstLineAt: number | undefined;
  const serial = (data: Buffer) => {
    text += data.toString('latin1');
    firstLineAt ??= text.includes('\n') ? performance.now() : undefined;
  };
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  let stop: () => Promise<void>;
  if (where === 'worker') {
    const run = runInWorker(spec, { serial, observation: () => undefined, failed: (error) => process.stderr.write(`bench: the worker failed: ${error.message}\n`) });
    stop = () => run.stop();
  } else {
    const paced = pacedBoard(spec, { serial, observation: () => undefined }, systemClock);
    paced.start();
    stop = async () => paced.stop();
  }
  await new Promise((resolve) => setTimeout(resolve, REAL_TIME_SECONDS * 1000));
  await stop();
  delay.disable();
  const boot = ((firstLineAt ?? performance.now()) - started) / 1000;
  const lines = text.split('\n').filter((line) => line.startsWith('t=')).length;
  // The sketch prints a line each whole second after its reset: that many fit after the boot.
  const expected = Math.floor(REAL_TIME_SECONDS - boot);
  const keeps = lines >= expected ? 'keeps real time' : 'falls behind';
  return [where, `${lines} lines`, `${keeps}: ${expected} due after a ${boot.toFixed(2)} s start; event loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`];
}

/** Prints the firmware figures; the emulator ones only when the weather-station .hex is built. */
export async function runFirmware(): Promise<void> {
  printTable('Firmware: compile time per sketch and board (make -j1, from scratch)', compileTimes());
  if (!existsSync(join('dist', 'firmware', 'weather-station', 'arduino-uno.hex'))) {
    printTable('Firmware: emulator', [['emulator', 'skipped', 'no dist/firmware/weather-station/arduino-uno.hex: npm run build:firmware']]);
    return;
  }
  printTable('Firmware: emulated speed on one core (avr8js)', (Object.keys(firmwareSketches) as FirmwareSketchName[]).map(emulatedMhz));
  printTable(`Firmware: a 16 MHz Uno running weather-station in real time, ${REAL_TIME_SECONDS} s`, [await realTime('worker'), await realTime('event loop')]);
}
