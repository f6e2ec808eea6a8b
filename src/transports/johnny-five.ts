/**
 * johnny-five over an IO plugin: the firmata-io client of an Arduino, or the Pi's own GPIO.
 * The only runtime file importing johnny-five: pin drivers get `Pins`, a wrapper of the few
 * things they use, so no driver holds the library itself. It is loaded when a pin board first
 * opens, so a node of serial sensors never loads it.
 */
import type five from 'johnny-five';
import type { Logger } from '../core/logger.js';

/** A johnny-five component that reports with 'data' events and can be switched off. */
export interface PinComponent {
  on(event: 'data', listener: () => void): unknown;
  disable(): void;
  removeAllListeners(): unknown;
}

/** The IO plugin's own pin calls, for drivers that read a digital level themselves (debounce, counting). */
export interface PinIo {
  readonly MODES: Readonly<Record<string, number>>;
  pinMode(pin: number, mode: number): void;
  digitalRead(pin: number, listener: (value: number) => void): void;
}

/** What a pin driver gets while its board is ready. */
export interface Pins {
  /** An analog temperature sensor (LM35, TMP36) read and converted by johnny-five. */
  thermometer(options: { controller: string; pin: string | number; freq: number }): PinComponent & { readonly celsius: number };
  /** An analog input, as johnny-five reads it (0-1023). */
  analogInput(options: { pin: string | number; freq: number }): PinComponent & { readonly value: number };
  readonly io: PinIo;
}

/** Makes a johnny-five Board on `io` and calls `onReady` once it is ready; errors are logged, never thrown. */
export function startBoard(io: unknown, logger: Logger, onReady: (pins: Pins) => void): void {
  import('johnny-five').then(
    ({ default: five }) => {
      // repl, debug and sigint off: johnny-five would otherwise own the terminal and exit on Ctrl-C.
      const board = new five.Board({ io, repl: false, debug: false, sigint: false });
      board.on('error', (error: Error) => logger.error({ err: error.message }, 'johnny-five board error'));
      board.once('ready', () => onReady(pinsOf(five, board)));
    },
    (error: unknown) => logger.error({ err: (error as Error).message }, 'cannot load johnny-five'),
  );
}

function pinsOf(five: typeof import('johnny-five'), board: five.Board): Pins {
  return {
    thermometer: (options) => new five.Thermometer({ ...options, board }),
    analogInput: (options) => new five.Sensor({ ...options, board }),
    io: board.io,
  };
}
