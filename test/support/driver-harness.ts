import { VirtualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { ProblemCounter } from '../../src/core/problems.js';
import type { Reading } from '../../src/core/reading.js';
import type { BytesDriverDefinition, BytesDriverInstance, DriverContext, DriverInstance, HostContext, HostDriverDefinition, PinsContext, PinsDriverDefinition, SensorBinding } from '../../src/drivers/driver.js';
import type { PinIo, Pins } from '../../src/transports/johnny-five.js';
import type { I2cBuses } from '../../src/transports/pi/i2c.js';
import type { PiFiles } from '../../src/transports/pi/sysfs.js';

/** A bytes driver instance on a virtual clock, with everything it emits, counts and writes kept for assertions. */
export interface DriverHarness {
  readonly clock: VirtualClock;
  readonly problems: ProblemCounter;
  readonly readings: Reading[];
  /** What the driver wrote to the device. */
  readonly written: Buffer[];
  /** Times offered to the node's clock (a GPS fix), in order. */
  readonly offeredTimes: { utcMs: number; source: string }[];
  readonly instance: BytesDriverInstance;
  line(text: string): void;
  bytes(chunk: Buffer | number[]): void;
}

/** A sensor for the harness: `[name, unit, options]`, options as the driver's sensor schema outputs them. */
export type HarnessSensor<Options> = [name: string, unit: string | undefined, options: Options];

/** The parts of a context every driver kind has, on a virtual clock, recording what the driver does. */
export function baseContext(start = Date.UTC(2026, 5, 1, 12)): DriverContext & { clock: VirtualClock; readings: Reading[]; offeredTimes: { utcMs: number; source: string }[] } {
  const clock = new VirtualClock(start);
  const readings: Reading[] = [];
  const offeredTimes: { utcMs: number; source: string }[] = [];
  return {
    clock,
    logger: silentLogger,
    problems: new ProblemCounter(silentLogger, clock),
    readings,
    offeredTimes,
    emit: (reading) => readings.push(reading),
    offerTime: (utcMs, source) => offeredTimes.push({ utcMs, source }),
  };
}

/** Sensor bindings with the paths the config would give them on the first board. */
export function sensorBindings<Options>(sensors: readonly HarnessSensor<Options>[]): SensorBinding<Options>[] {
  return sensors.map(([name, unit, options], index) => ({ name, unit, options, path: `boards[0].sensors[${index}]` }));
}

/**
 * Builds a bytes driver for one device: its device options (as the device schema outputs
 * them) and its sensors.
 */
export function harness<DeviceOptions, SensorOptions>(
  definition: BytesDriverDefinition,
  device: DeviceOptions,
  sensors: readonly HarnessSensor<SensorOptions>[],
  start = Date.UTC(2026, 5, 1, 12),
): DriverHarness {
  const base = baseContext(start);
  const written: Buffer[] = [];
  const create = definition.create as (device: unknown, context: unknown) => BytesDriverInstance;
  const instance = create(
    { boardId: 'board', path: 'boards[0]', options: device, sensors: sensorBindings(sensors) },
    { ...base, write: async (data: Buffer) => void written.push(Buffer.from(data)) },
  );
  return {
    clock: base.clock,
    problems: base.problems,
    readings: base.readings,
    written,
    offeredTimes: base.offeredTimes,
    instance,
    line(text) {
      if (!instance.onLine) throw new Error(`${definition.type} does not take lines`);
      instance.onLine(text);
    },
    bytes(chunk) {
      if (!instance.onBytes) throw new Error(`${definition.type} does not take bytes`);
      instance.onBytes(Buffer.from(chunk));
    },
  };
}

/** A pins or host driver instance on a virtual clock, with what it emits and counts kept for assertions. */
export interface InstanceHarness {
  readonly clock: VirtualClock;
  readonly problems: ProblemCounter;
  readonly readings: Reading[];
  readonly instance: DriverInstance;
}

/** The files and I2C buses a host driver reads. */
export interface HostAccess {
  files: PiFiles;
  i2c: I2cBuses;
}

/**
 * Builds a host driver for one device, reading the given files and I2C buses (in-memory ones,
 * or a FakePiRoot's: made from the harness's clock, so the simulated Pi runs on its virtual time).
 */
export function hostHarness<DeviceOptions, SensorOptions>(
  definition: HostDriverDefinition,
  device: DeviceOptions,
  sensors: readonly HarnessSensor<SensorOptions>[],
  access: HostAccess | ((clock: VirtualClock) => HostAccess),
  start = Date.UTC(2026, 5, 1, 12),
): InstanceHarness {
  const base = baseContext(start);
  const { files, i2c } = typeof access === 'function' ? access(base.clock) : access;
  const create = definition.create as (device: unknown, context: HostContext) => DriverInstance;
  const instance = create({ boardId: 'board', path: 'boards[0]', options: device, sensors: sensorBindings(sensors) }, { ...base, files, i2c });
  return { clock: base.clock, problems: base.problems, readings: base.readings, instance };
}

/** A pins driver instance with the fake pins it is given while its board is ready. */
export interface PinsHarness extends InstanceHarness {
  readonly pins: FakePins;
  /** Whether the board is ready: while it is not, the driver gets no pins. */
  ready: boolean;
}

/** Builds a pins driver for one device on fake pins; `ready` starts true, as after a board's 'ready'. */
export function pinsHarness<DeviceOptions, SensorOptions>(
  definition: PinsDriverDefinition,
  device: DeviceOptions,
  sensors: readonly HarnessSensor<SensorOptions>[],
  start = Date.UTC(2026, 5, 1, 12),
): PinsHarness {
  const base = baseContext(start);
  const pins = new FakePins();
  const harness = { clock: base.clock, problems: base.problems, readings: base.readings, pins, ready: true } as PinsHarness & { instance: DriverInstance };
  const create = definition.create as (device: unknown, context: PinsContext) => DriverInstance;
  harness.instance = create({ boardId: 'board', path: 'boards[0]', options: device, sensors: sensorBindings(sensors) }, { ...base, pins: () => (harness.ready ? pins : undefined) });
  return harness;
}

/** A johnny-five component the fake pins made, whose reports the test sends. */
export class FakeComponent {
  celsius = Number.NaN;
  value = 0;
  disabled = false;
  private listeners: (() => void)[] = [];

  constructor(readonly kind: 'thermometer' | 'analogInput', readonly options: { pin: string | number; freq: number; controller?: string }) {}

  on(_event: 'data', listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }

  removeAllListeners(): this {
    this.listeners = [];
    return this;
  }

  disable(): void {
    this.disabled = true;
  }

  /** Sends one 'data' report, as johnny-five does every `freq` ms. */
  report(reading: { celsius?: number; value?: number }): void {
    if (reading.celsius !== undefined) this.celsius = reading.celsius;
    if (reading.value !== undefined) this.value = reading.value;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Pins in memory: the digital levels a test sets reach the drivers' digitalRead listeners, as
 * an IO plugin reports them, and the components made are kept to send reports through.
 */
export class FakePins implements Pins {
  /** Pins the board does not have: pinMode on one throws, as the Pi's IO plugin does. */
  readonly missing = new Set<number>();
  readonly modes = new Map<number, number>();
  readonly components: FakeComponent[] = [];
  private readonly readers = new Map<number, ((value: number) => void)[]>();

  readonly io: PinIo = {
    MODES: { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4, PULLUP: 11 },
    pinMode: (pin, mode) => {
      if (this.missing.has(pin)) throw new Error(`pin ${pin} does not exist on this board`);
      this.modes.set(pin, mode);
    },
    digitalRead: (pin, listener) => {
      this.readers.set(pin, [...(this.readers.get(pin) ?? []), listener]);
    },
  };

  thermometer(options: { controller: string; pin: string | number; freq: number }): FakeComponent {
    return this.add(new FakeComponent('thermometer', options));
  }

  analogInput(options: { pin: string | number; freq: number }): FakeComponent {
    return this.add(new FakeComponent('analogInput', options));
  }

  /** Reports a level on a pin to every listener of it (an IO plugin reports each change, and once at first). */
  level(pin: number, value: 0 | 1): void {
    for (const listener of this.readers.get(pin) ?? []) listener(value);
  }

  /** How many digitalRead listeners a pin has, so tests see a replug does not pile them up. */
  listeners(pin: number): number {
    return this.readers.get(pin)?.length ?? 0;
  }

  private add(component: FakeComponent): FakeComponent {
    this.components.push(component);
    return component;
  }
}
