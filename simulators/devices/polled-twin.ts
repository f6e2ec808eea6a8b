/**
 * The shape of every twin that speaks only when asked (MH-Z19 sensors, Modbus slaves): take
 * in the host's bytes, find requests in them, and answer each one after the time a real
 * device takes, on the injected clock, through the fault injector. What went out, and
 * whether intact, is reported to listeners, as the talking twins report theirs.
 */
import type { Clock, DeviceLink, SimulatedDevice, TimerHandle } from '../../src/index.js';
import { FaultInjector, type FaultOptions } from '../faults.js';
import type { Emission } from './periodic.js';

/** Bits a byte takes on the wire: start, 8 data, (parity or a second stop), stop. */
export type CharacterBits = 10 | 11;

/** How long a real device takes before its answer has reached the host. */
export interface AnswerTiming {
  /** The line's baud rate, for the time the answer takes on the wire. */
  readonly baud: number;
  /** Bits per character: 10 for 8N1, 11 for Modbus RTU (8E1, or 8N2 without parity). */
  readonly characterBits: CharacterBits;
  /** Firmware time between the end of the request and the first byte of the answer. */
  readonly turnaroundMs: number;
}

/** What a twin makes of one request: the answer's bytes and what the listeners learn of it. */
export interface Answer<Reported> {
  readonly frame: Buffer;
  /** Header bytes a `bad-checksum` fault leaves alone, so the answer is still found and then rejected. */
  readonly protectedPrefix: number;
  readonly reported: Reported;
}

/** Options every polled twin takes. */
export interface PolledTwinOptions {
  readonly seed: number;
  readonly faults: FaultOptions;
}

/** Milliseconds from the end of a request until the whole answer of `length` bytes has arrived. */
export function answerDelayMs(timing: AnswerTiming, length: number): number {
  return timing.turnaroundMs + (length * timing.characterBits * 1000) / timing.baud;
}

export abstract class PolledTwin<Request, Values, Reported = Values> implements SimulatedDevice {
  readonly faults: FaultInjector;
  /** Requests this device would answer, answered or not; lets tests wait for the host's request. */
  requestsReceived = 0;
  private readonly listeners: ((emission: Emission<Reported>) => void)[] = [];
  private readonly pending = new Set<TimerHandle>();
  private readonly lastValues = new Map<number, Values>();
  private running = false;

  constructor(
    options: PolledTwinOptions,
    private readonly link: DeviceLink,
    protected readonly clock: Clock,
    private readonly timing: AnswerTiming,
  ) {
    this.faults = new FaultInjector(options.seed, options.faults);
  }

  /** Requests complete in the bytes received so far; `receive` calls it with every chunk. */
  protected abstract takeRequests(data: Buffer): Request[];
  /** Forgets a request half received (at stop). */
  protected abstract resetFraming(): void;
  /** Whether this device answers `request` at all (its command, its slave address). */
  protected abstract answers(request: Request): boolean;
  /** What the device measures for `request` at `epochMs`. */
  protected abstract sample(request: Request, epochMs: number): Values;
  /** The answer to `request` carrying `values`. */
  protected abstract render(request: Request, values: Values): Answer<Reported>;
  /** Which measurement `stuck` repeats: one per slave on a bus, one for a single sensor. */
  protected stuckKey(_request: Request): number {
    return 0;
  }

  /** Listens to every answer: what it reported, the bytes sent and the fault applied. */
  onEmit(listener: (emission: Emission<Reported>) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.running = true;
  }

  stop(): void {
    this.running = false;
    this.resetFraming();
    for (const timer of this.pending) this.clock.clearTimeout(timer);
    this.pending.clear();
  }

  receive(data: Buffer): void {
    if (!this.running) return;
    for (const request of this.takeRequests(data)) if (this.answers(request)) this.accept(request);
  }

  /**
   * The device measures when the request arrives and decides then whether it will answer
   * (`silent`); the answer reaches the host once the firmware and the wire have taken their time.
   */
  private accept(request: Request): void {
    this.requestsReceived++;
    const time = this.clock.now();
    const key = this.stuckKey(request);
    const fresh = this.sample(request, time);
    const values = this.faults.stuck && this.lastValues.has(key) ? this.lastValues.get(key)! : fresh;
    this.lastValues.set(key, values);
    if (this.faults.silent) return;
    const answer = this.render(request, values);
    const outcome = this.faults.apply(answer.frame, answer.protectedPrefix);
    const timer = this.clock.setTimeout(() => {
      this.pending.delete(timer);
      if (!this.running) return;
      this.link.write(outcome.bytes);
      const emission = { time, values: answer.reported, bytes: outcome.bytes, fault: outcome.fault };
      for (const listener of this.listeners) listener(emission);
    }, answerDelayMs(this.timing, answer.frame.length));
    this.pending.add(timer);
  }
}
