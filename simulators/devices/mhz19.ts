/**
 * Twin of a Winsen MH-Z19B: it says nothing until asked. Each read request (FF 01 86 …) it
 * receives is answered with the exact nine-byte answer for the room model's CO2 at that
 * moment, passed through the fault injector; `silent` leaves requests unanswered, so the
 * driver's timeout is exercised, and `stuck` repeats the last value.
 */
import { z } from 'zod';
import type { Clock } from '../../src/core/clock.js';
import { encodeMhz19, MHZ19_READ_CO2, mhz19RequestLayout } from '../../src/drivers/mhz19/decode.js';
import { FrameScanner } from '../../src/drivers/frames.js';
import type { DeviceLink, SimulatedDevice, SimulatorDefinition } from '../device.js';
import { FaultInjector, faultOptionsShape, type FaultOptions } from '../faults.js';
import { OccupancyCo2Model } from '../models/occupancy-co2.js';
import type { Emission } from './periodic.js';

/** Options of the simulated MH-Z19 (`boards[].simulator` with `device: mhz19`). */
export const mhz19SimulatorShape = {
  seed: z.number().int().default(1),
  capacity: z.number().int().min(0).max(200).default(8).describe('people in the room at the busiest hour'),
  roomVolumeM3: z.number().positive().default(75).describe('the room the sensor hangs in'),
  ...faultOptionsShape,
};

/** What the sensor reports: CO2 in whole ppm (0–5000, its default range) and the undocumented temperature byte. */
export interface Mhz19Values {
  readonly co2: number;
  readonly temperature: number;
  readonly occupants: number;
}

export interface Mhz19DeviceOptions {
  readonly seed: number;
  readonly capacity: number;
  readonly roomVolumeM3: number;
  readonly faults: FaultOptions;
}

/** Upper end of the MH-Z19B's factory range. */
const RANGE_PPM = 5000;

export class Mhz19Device implements SimulatedDevice {
  readonly faults: FaultInjector;
  /** Read requests received, answered or not; lets tests wait for the driver's request. */
  requestsReceived = 0;
  private readonly model: OccupancyCo2Model;
  private readonly requests: FrameScanner;
  private readonly listeners: ((emission: Emission<Mhz19Values>) => void)[] = [];
  private running = false;
  private last: Mhz19Values | undefined;

  constructor(
    options: Mhz19DeviceOptions,
    private readonly link: DeviceLink,
    private readonly clock: Clock,
  ) {
    this.faults = new FaultInjector(options.seed, options.faults);
    this.model = new OccupancyCo2Model(options.seed, { capacity: options.capacity, volumeM3: options.roomVolumeM3 });
    // The sensor ignores what it cannot parse; other commands (calibration, range) get no answer here.
    this.requests = new FrameScanner(
      mhz19RequestLayout,
      (request) => {
        if (request[2] === MHZ19_READ_CO2) this.answer();
      },
      () => undefined,
    );
  }

  /** Listens to every answer: the values, the bytes sent and the fault applied. */
  onEmit(listener: (emission: Emission<Mhz19Values>) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.running = true;
  }

  stop(): void {
    this.running = false;
    this.requests.reset();
  }

  receive(data: Buffer): void {
    if (this.running) this.requests.push(data);
  }

  private answer(): void {
    this.requestsReceived++;
    const time = this.clock.now();
    const sample = this.model.sample(time);
    const fresh = { co2: Math.min(RANGE_PPM, Math.round(sample.co2)), temperature: Math.round(sample.temperature), occupants: sample.occupants };
    const values = this.faults.stuck && this.last !== undefined ? this.last : fresh;
    this.last = values;
    if (this.faults.silent) return;
    const outcome = this.faults.apply(encodeMhz19(values), 2);
    this.link.write(outcome.bytes);
    const emission = { time, values, bytes: outcome.bytes, fault: outcome.fault };
    for (const listener of this.listeners) listener(emission);
  }
}

export const mhz19Simulator: SimulatorDefinition<typeof mhz19SimulatorShape> = {
  device: 'mhz19',
  summary: 'Winsen MH-Z19B CO2 sensor: answers read requests from an office-room occupancy model, injectable faults',
  defaultBaud: 9600,
  optionsShape: mhz19SimulatorShape,
  create: (options, link, clock) => new Mhz19Device(options, link, clock),
  checkSensors: (_options, sensors) =>
    sensors.filter((sensor) => sensor.driver['type'] !== 'mhz19').map((sensor) => ({ path: `${sensor.path}.driver.type`, message: 'the simulated MH-Z19 speaks mhz19' })),
};
