/**
 * A simulated Pi GPIO controller with things wired to its header pins: PIR motion sensors
 * (HC-SR501: drives its output high while it sees motion), door contacts (reed switches to
 * ground: open door, open contact, the pull-up reads high) and push buttons (to ground, with
 * contact bounce). Each changes at random times on the clock, seeded; every settled change
 * is recorded, so a test can hold what the runtime reported against what happened.
 */
import { GpioError, type Clock, type TimerHandle, type GpioBias, type GpioChip, type GpioChips, type GpioInput } from '../../src/index.js';
import { SeededRandom } from '../models/random.js';

/** What can hang on a simulated pin. */
export type GpioDeviceKind = 'pir' | 'door' | 'button';

export interface FakeGpioDevice {
  /** The BCM GPIO number. */
  readonly line: number;
  readonly device: GpioDeviceKind;
  /** Mean time between activations, ms (default: PIR 20 s, door 60 s, button 30 s). */
  readonly meanIntervalMs?: number;
}

/** One settled change of a device, as the driver should report it. */
export interface GpioEvent {
  readonly line: number;
  readonly time: number;
  /** The device is active: motion seen, door open, button pressed. */
  readonly active: boolean;
}

/** The header controller's label and line count, by Pi model. */
export const PI_GPIO_CONTROLLERS = {
  pi3: { label: 'pinctrl-bcm2835', lineCount: 54 },
  'zero-2w': { label: 'pinctrl-bcm2835', lineCount: 54 },
  pi4: { label: 'pinctrl-bcm2711', lineCount: 58 },
  pi5: { label: 'pinctrl-rp1', lineCount: 54 },
} as const;

export type PiModel = keyof typeof PI_GPIO_CONTROLLERS;

const DEFAULT_INTERVAL_MS: Record<GpioDeviceKind, number> = { pir: 20_000, door: 60_000, button: 30_000 };
/** How long an activation lasts: a PIR's retrigger hold, a door left open, a press. */
const ACTIVE_MS: Record<GpioDeviceKind, [number, number]> = { pir: [2500, 6000], door: [4000, 30_000], button: [120, 400] };
/** Mechanical contacts bounce for a few milliseconds at each change; a PIR's output is clean. */
const BOUNCES: Record<GpioDeviceKind, number> = { pir: 0, door: 3, button: 5 };
const BOUNCE_SPACING_MS = 1.5;

interface Wire {
  readonly spec: FakeGpioDevice;
  /** The level the device drives, or undefined while a contact is open (the bias decides). */
  driven: 0 | 1 | undefined;
  active: boolean;
  /** Ends a chatter in progress at its settled level. */
  settle: (() => void) | undefined;
}

export class SimulatedGpioChip implements GpioChip, GpioChips {
  readonly label: string;
  readonly path = '/dev/gpiochip0';
  readonly lineCount: number;
  /** Every settled change so far. */
  readonly events: GpioEvent[] = [];
  private readonly wires = new Map<number, Wire>();
  private readonly requested = new Map<number, GpioBias>();
  private readonly random: SeededRandom;
  private readonly timers = new Set<TimerHandle>();
  private running = false;

  constructor(
    private readonly clock: Clock,
    seed: number,
    model: PiModel,
    devices: readonly FakeGpioDevice[],
  ) {
    ({ label: this.label, lineCount: this.lineCount } = PI_GPIO_CONTROLLERS[model]);
    this.random = new SeededRandom(seed ^ 0x6010);
    for (const spec of devices) this.wires.set(spec.line, { spec, driven: this.idleLevel(spec.device), active: false, settle: undefined });
  }

  /** GpioChips: the header's controller, by `auto`, its label or its path. */
  open(selector: string): GpioChip {
    if (selector !== 'auto' && selector !== this.label && selector !== this.path) {
      throw new GpioError('no-chip', `no GPIO chip is a chip labelled ${selector}; this machine has gpiochip0 (${this.label})`);
    }
    return this;
  }

  requestInput(offset: number, bias: GpioBias, _consumer: string): GpioInput {
    if (offset < 0 || offset >= this.lineCount) throw new GpioError('io', `${this.path} line ${offset}: no such line`);
    if (this.requested.has(offset)) throw new GpioError('busy', `${this.path} line ${offset}: the line is in use by another program or a kernel driver (gpioinfo shows its owner)`);
    this.requested.set(offset, bias);
    let released = false;
    return {
      read: () => {
        if (released) throw new GpioError('io', `${this.path} line ${offset}: read after release`);
        return this.level(offset);
      },
      release: () => {
        if (released) return;
        released = true;
        this.requested.delete(offset);
      },
    };
  }

  close(): void {
    this.requested.clear();
  }

  /** Starts the devices' random activity. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const wire of this.wires.values()) this.scheduleNext(wire);
  }

  /** Stops the activity; a contact still bouncing comes to rest first, so every change ends settled and recorded. */
  stop(): void {
    this.running = false;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    for (const wire of this.wires.values()) wire.settle?.();
  }

  /** Sets a device active or idle now (tests), with its contact bounce. */
  set(line: number, active: boolean): void {
    const wire = this.wires.get(line);
    if (!wire) throw new Error(`nothing simulated on GPIO${line}`);
    this.change(wire, active);
  }

  private level(offset: number): 0 | 1 {
    const driven = this.wires.get(offset)?.driven;
    if (driven !== undefined) return driven;
    // A floating input with no bias reads whatever it picked up; with a bias, the bias.
    const bias = this.requested.get(offset);
    return bias === 'pull-up' ? 1 : bias === 'pull-down' ? 0 : this.random.chance(0.5) ? 1 : 0;
  }

  private idleLevel(kind: GpioDeviceKind): 0 | 1 | undefined {
    // A PIR drives low when idle; a closed door contact and an unpressed button: see contactLevel.
    return kind === 'pir' ? 0 : this.contactLevel(kind, false);
  }

  /** Door reed switch: closed (to ground) while the door is shut. Button: closed while pressed. */
  private contactLevel(kind: GpioDeviceKind, active: boolean): 0 | undefined {
    const closed = kind === 'door' ? !active : active;
    return closed ? 0 : undefined;
  }

  private activeLevel(wire: Wire, active: boolean): 0 | 1 | undefined {
    return wire.spec.device === 'pir' ? (active ? 1 : 0) : this.contactLevel(wire.spec.device, active);
  }

  private change(wire: Wire, active: boolean): void {
    if (wire.active === active) return;
    wire.active = active;
    wire.settle?.();
    const settled = this.activeLevel(wire, active);
    wire.settle = () => {
      wire.settle = undefined;
      wire.driven = settled;
      this.events.push({ line: wire.spec.line, time: this.clock.now(), active });
    };
    const bounces = BOUNCES[wire.spec.device];
    if (bounces === 0) return wire.settle();
    // The contact chatters between its two states, then rests at the new one.
    const other = this.activeLevel(wire, !active);
    const settle = wire.settle;
    for (let i = 0; i < bounces * 2; i++) this.after(i * BOUNCE_SPACING_MS, () => wire.settle === settle && (wire.driven = i % 2 === 0 ? settled : other));
    this.after(bounces * 2 * BOUNCE_SPACING_MS, () => wire.settle === settle && settle());
  }

  private scheduleNext(wire: Wire): void {
    const mean = wire.spec.meanIntervalMs ?? DEFAULT_INTERVAL_MS[wire.spec.device];
    const [shortest, longest] = ACTIVE_MS[wire.spec.device];
    const idle = -Math.log(1 - this.random.next()) * mean;
    const active = Math.min(shortest + this.random.next() * (longest - shortest), mean);
    this.after(idle, () => {
      this.change(wire, true);
      this.after(active, () => {
        this.change(wire, false);
        this.scheduleNext(wire);
      });
    });
  }

  private after(delayMs: number, action: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }
}
