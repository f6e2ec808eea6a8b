// johnny-five 2.1 ships no typings; this declares the part of its API fieldnode uses.
declare module 'johnny-five' {
  import { EventEmitter } from 'node:events';

  interface BoardOptions {
    io: unknown;
    repl?: boolean;
    debug?: boolean;
    /** false: leave SIGINT to the application (johnny-five would otherwise exit the process). */
    sigint?: boolean;
    timeout?: number;
  }

  export class Board extends EventEmitter {
    constructor(options: BoardOptions);
    readonly io: {
      digitalRead(pin: number, callback: (value: number) => void): void;
      pinMode(pin: number, mode: number): void;
      reportDigitalPin(pin: number, enable: 0 | 1): void;
      MODES: Record<string, number>;
    };
  }

  export class Thermometer extends EventEmitter {
    constructor(options: { controller: string; pin: string | number; freq?: number; board: Board });
    readonly celsius: number;
    disable(): void;
  }

  export class Sensor extends EventEmitter {
    constructor(options: { pin: string | number; freq?: number; board: Board });
    readonly value: number;
    disable(): void;
  }
}
