/**
 * The shape of every twin that talks on its own at a steady rate (particulate sensors, GPS,
 * ultrasonic rangers): sample a model, render the device's bytes, pass them through the
 * fault injector, write them. What went out, and whether intact, is reported to listeners.
 */
import type { Clock, DeviceLink, SimulatedDevice, TimerHandle } from '../../src/index.js';
import { FaultInjector, type FaultOptions, type FrameFault } from '../faults.js';

/** One emission: the values the model produced, the bytes sent, and the fault applied, if any. */
export interface Emission<Values> {
  readonly time: number;
  readonly values: Values;
  readonly bytes: Buffer;
  readonly fault?: FrameFault | undefined;
}

export interface PeriodicOptions {
  readonly seed: number;
  readonly intervalMs: number;
  readonly faults: FaultOptions;
}

export abstract class PeriodicDevice<Values> implements SimulatedDevice {
  readonly faults: FaultInjector;
  private readonly listeners: ((emission: Emission<Values>) => void)[] = [];
  private timer: TimerHandle | undefined;
  private running = false;
  private last: Values | undefined;

  constructor(
    protected readonly options: PeriodicOptions,
    private readonly link: DeviceLink,
    protected readonly clock: Clock,
    /** Header bytes a `bad-checksum` fault leaves alone, so the frame is still found and then rejected. */
    private readonly protectedPrefix = 0,
  ) {
    this.faults = new FaultInjector(options.seed, options.faults, (frame) => this.corruptFrame(frame));
  }

  /** This device's `bad-checksum` corruption; undefined keeps the injector's flipped byte. */
  protected corruptFrame(_frame: Buffer): Buffer | undefined {
    return undefined;
  }

  /** What the model reads at `epochMs`. */
  protected abstract sample(epochMs: number): Values;
  /** The device's bytes for these values. */
  protected abstract render(values: Values, epochMs: number): Buffer;

  onEmit(listener: (emission: Emission<Values>) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Emits one sample now (also used by bursts and tests); returns what was sent. */
  emitAt(epochMs: number): Emission<Values> | undefined {
    const fresh = this.sample(epochMs);
    const values = this.faults.stuck && this.last !== undefined ? this.last : fresh;
    this.last = values;
    if (this.faults.silent) return undefined;
    const outcome = this.faults.apply(this.render(values, epochMs), this.protectedPrefix);
    this.link.write(outcome.bytes);
    const emission = { time: epochMs, values, bytes: outcome.bytes, fault: outcome.fault };
    for (const listener of this.listeners) listener(emission);
    return emission;
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.emitAt(this.clock.now());
      this.schedule();
    }, this.options.intervalMs);
  }
}
