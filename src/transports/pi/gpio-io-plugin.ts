/**
 * A johnny-five IO plugin for the Pi's header on the GPIO character device, so the same pin
 * drivers that read an Arduino read the Pi's own pins. It offers what the character device
 * gives a plain input: digital reads with a pull-up, pull-down or no bias. The inputs are
 * sampled every `pollIntervalMs` on the injected clock (libgpiod's edge events are not
 * exposed by node-libgpiod), which suits buttons, PIR sensors and door contacts: their
 * levels last tens of milliseconds or more, and the `digital` driver debounces above that.
 *
 * The IO plugin contract (johnny-five's IO plugin spec): `pins` with their modes, `MODES`,
 * `pinMode`, `digitalRead` (the handler hears the level at once and then every change),
 * `digitalWrite`, `isReady` and the 'connect' and 'ready' events.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../core/clock.js';
import { HEADER_GPIO_COUNT, type GpioBias, type GpioChip, type GpioInput } from './gpio.js';

const MODES = { INPUT: 0x00, OUTPUT: 0x01, ANALOG: 0x02, PWM: 0x03, SERVO: 0x04, PULLUP: 0x0b } as const;

/** A pin as johnny-five's Board.Pins reads it. */
interface PinInfo {
  supportedModes: number[];
  mode: number | undefined;
  value: number;
  report: 0 | 1;
  analogChannel: number;
}

interface Watched {
  input: GpioInput;
  bias: GpioBias;
  level: 0 | 1 | undefined;
  handlers: ((value: number) => void)[];
  /** A read failed and was reported: the next failures are not, until a read succeeds. */
  failing: boolean;
}

export interface GpioIoPluginOptions {
  readonly clock: Clock;
  /** How often watched inputs are sampled (default 2 ms). */
  readonly pollIntervalMs?: number;
  /** The owner name `gpioinfo` shows for our lines. */
  readonly consumer?: string;
  /** Told when a line cannot be read or requested; the plugin keeps running. */
  readonly onError?: (error: Error) => void;
}

export class GpioIoPlugin extends EventEmitter {
  readonly name: string;
  readonly isReady = true;
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly pins: PinInfo[];
  readonly analogPins: number[] = [];
  readonly defaultLed = undefined;
  private readonly watched = new Map<number, Watched>();
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly chip: GpioChip,
    private readonly options: GpioIoPluginOptions,
  ) {
    super();
    this.name = `Raspberry Pi GPIO on ${chip.path} (${chip.label})`;
    const count = Math.min(HEADER_GPIO_COUNT, chip.lineCount);
    // Analog channel 127: johnny-five's "not an analog pin".
    this.pins = Array.from({ length: count }, () => ({ supportedModes: [MODES.INPUT, MODES.PULLUP], mode: undefined, value: 0, report: 0, analogChannel: 127 }));
  }

  /** A pin as johnny-five names it: 17, "17" or "GPIO17" (BCM numbering). */
  normalize(pin: number | string): number {
    return typeof pin === 'number' ? pin : Number(String(pin).replace(/^GPIO/i, ''));
  }

  pinMode(pin: number, mode: number): this {
    const info = this.pinInfo(pin);
    if (mode !== MODES.INPUT && mode !== MODES.PULLUP) {
      throw new Error(`GPIO${pin}: mode ${mode} is not offered; fieldnode reads the Pi's header pins as digital inputs only (no analog input, PWM or servo)`);
    }
    info.mode = mode;
    this.request(pin, mode === MODES.PULLUP ? 'pull-up' : 'none');
    return this;
  }

  digitalRead(pin: number, handler: (value: number) => void): this {
    const info = this.pinInfo(pin);
    // A pin whose request failed is asked for again, with the bias its mode wanted.
    if (!this.watched.has(pin)) this.pinMode(pin, info.mode ?? MODES.INPUT);
    const watched = this.watched.get(pin);
    if (!watched) return this;
    watched.handlers.push(handler);
    info.report = 1;
    // The level is told at once, as a Firmata board reports a pin when reporting starts.
    if (watched.level !== undefined) this.tell(handler, watched.level);
    this.schedule();
    return this;
  }

  /** On an input, HIGH enables the pull-up (the Arduino convention johnny-five's Button uses); outputs are not offered. */
  digitalWrite(pin: number, value: number): this {
    const info = this.pinInfo(pin);
    if (info.mode === MODES.INPUT || info.mode === MODES.PULLUP) {
      this.request(pin, value ? 'pull-up' : 'none');
      return this;
    }
    throw new Error(`GPIO${pin}: fieldnode reads the Pi's header pins as inputs only`);
  }

  analogRead(pin: number): never {
    throw new Error(`pin ${pin}: the Pi has no analog inputs; use an Arduino over Firmata, or an I2C ADC`);
  }

  /** Releases every line and stops sampling. */
  close(): void {
    this.closed = true;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const watched of this.watched.values()) watched.input.release();
    this.watched.clear();
    this.chip.close();
    this.emit('close');
  }

  private pinInfo(pin: number): PinInfo {
    const info = this.pins[pin];
    if (!info) throw new Error(`GPIO${pin} is not on the header: use BCM numbers 0 to ${this.pins.length - 1}`);
    return info;
  }

  /** (Re)requests a line with a bias; the kernel applies a bias only when a line is requested. */
  private request(pin: number, bias: GpioBias): void {
    const current = this.watched.get(pin);
    if (current?.bias === bias) return;
    current?.input.release();
    try {
      const input = this.chip.requestInput(pin, bias, this.options.consumer ?? 'fieldnode');
      const level = input.read();
      const handlers = current?.handlers ?? [];
      this.watched.set(pin, { input, bias, level, handlers, failing: false });
      this.pins[pin]!.value = level;
      // A new bias can move an open contact's level: the handlers hear it, as a change.
      if (current?.level !== undefined && level !== current.level) for (const handler of handlers) this.tell(handler, level);
    } catch (error) {
      this.watched.delete(pin);
      this.options.onError?.(error as Error);
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = this.options.clock.setTimeout(() => this.sample(), this.options.pollIntervalMs ?? 2);
  }

  private sample(): void {
    this.timer = undefined;
    for (const [pin, watched] of this.watched) {
      let level: 0 | 1;
      try {
        level = watched.input.read();
      } catch (error) {
        if (!watched.failing) this.options.onError?.(error as Error);
        watched.failing = true;
        continue;
      }
      watched.failing = false;
      if (level === watched.level) continue;
      watched.level = level;
      this.pins[pin]!.value = level;
      for (const handler of watched.handlers) this.tell(handler, level);
    }
    this.schedule();
  }

  /** Runs a handler from a timer: what it throws is reported, and sampling goes on. */
  private tell(handler: (value: number) => void, level: 0 | 1): void {
    try {
      handler(level);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }
}
