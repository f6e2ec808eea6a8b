/**
 * johnny-five over an IO plugin: the firmata-io client of an Arduino, or the Pi's own GPIO.
 * The only runtime file importing johnny-five; pin drivers get what it makes.
 */
import five from 'johnny-five';
import type { Logger } from '../core/logger.js';

/** What pin drivers get: johnny-five and the board it drives, while the board is ready. */
export interface BoardPins {
  readonly five: typeof five;
  readonly board: five.Board;
}

/** Makes a johnny-five Board on `io` and calls `onReady` once it is ready; errors are logged, never thrown. */
export function startBoard(io: unknown, logger: Logger, onReady: (pins: BoardPins) => void): void {
  // repl, debug and sigint off: johnny-five would otherwise own the terminal and exit on Ctrl-C.
  const board = new five.Board({ io, repl: false, debug: false, sigint: false });
  board.on('error', (error: Error) => logger.error({ err: error.message }, 'johnny-five board error'));
  board.once('ready', () => onReady({ five, board }));
}
