/**
 * Keeps an emulated board in step with a Clock: every slice, the CPU runs the cycles the
 * clock moved on by, and what its USART sent in that time goes out in one write. With the
 * system clock that is real time (a 16 MHz board prints at its baud, millis() follows the
 * wall); with a test's virtual clock the firmware lives exactly the time the test advances.
 */
import type { Clock, TimerHandle } from '../../src/index.js';
import type { AvrMachine } from './machine.js';

/** Emulated time between catching up; bytes at 9600 baud leave in batches of about 10. */
export const SLICE_MS = 10;
/**
 * The most emulated time one catch-up runs: on a host too slow for 16 MHz (an old Pi) the
 * board falls behind the clock and its firmware lives slower, but the thread still hears the
 * bytes the host writes between slices.
 */
const MAX_CATCH_UP_MS = 100;

export class PacedMachine {
  private readonly cyclesPerMs: number;
  private timer: TimerHandle | undefined;
  private origin = 0;
  private pending: number[] = [];
  private running = false;
  /** Wall time spent running the CPU, for the speed report. */
  busyMs = 0;

  constructor(
    readonly machine: AvrMachine,
    private readonly clock: Clock,
    private readonly send: (data: Buffer) => void,
  ) {
    this.cyclesPerMs = machine.board.frequencyHz / 1000;
    machine.onSerialByte((byte) => this.pending.push(byte));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.origin = this.clock.monotonic() - this.machine.cycles / this.cyclesPerMs;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Emulated ms the machine is behind its clock (0 when it keeps up). */
  get lagMs(): number {
    return Math.max(0, this.clock.monotonic() - this.origin - this.machine.cycles / this.cyclesPerMs);
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.catchUp();
      this.schedule();
    }, SLICE_MS);
  }

  private catchUp(): void {
    const started = performance.now();
    const due = (this.clock.monotonic() - this.origin) * this.cyclesPerMs;
    this.machine.runUntil(Math.min(due, this.machine.cycles + MAX_CATCH_UP_MS * this.cyclesPerMs));
    this.busyMs += performance.now() - started;
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending);
    this.pending = [];
    this.send(data);
  }
}
