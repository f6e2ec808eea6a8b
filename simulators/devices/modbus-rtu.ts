/**
 * Twin of an RS-485 bus with one or more river probes on it, each a Modbus RTU slave that
 * answers reads of holding (3) and input (4) registers with the exact frames a real probe
 * sends, values from the river model. It says nothing until asked, ignores requests for
 * other slaves and requests with a bad CRC (Serial Line V1.02 §2.5.1.2), and refuses what it
 * does not have with the exceptions of Application Protocol V1.1b3 §7.
 *
 * Register map of every probe (register addresses as sent on the wire):
 *
 * | fn | register | value              | type    | words  | scale | unit  |
 * |----|----------|--------------------|---------|--------|-------|-------|
 * | 4  | 0–1      | level              | float32 | big    | 1     | m     |
 * | 4  | 2        | water temperature  | int16   |        | 0.01  | Cel   |
 * | 4  | 3–4      | conductivity       | uint32  | little | 0.1   | uS/cm |
 * | 4  | 5        | battery            | uint16  |        | 0.001 | V     |
 * | 3  | 0        | slave address      | uint16  |        | 1     |       |
 * | 3  | 10–11    | gauge datum offset | int32   | big    | 0.001 | m     |
 */
import { z } from 'zod';
import type { Clock, DeviceLink, TwinDefinition } from '../../src/index.js';
import { faultOptionsShape, type FaultOptions } from '../faults.js';
import { WaterQualityModel } from '../models/water-quality.js';
import { EXCEPTION, exceptionAnswer, frameGapMs, MAX_REGISTERS_PER_READ, registersAnswer, registerWords, RtuRequestFramer, type RegisterLayout, type SlaveRequest } from './modbus-frames.js';
import { PolledTwin, type Answer } from './polled-twin.js';

/** Options of the simulated bus (`boards[].simulator` with `device: modbus-rtu`). */
export const modbusRtuSimulatorShape = {
  seed: z.number().int().default(1),
  slaves: z.array(z.number().int().min(1).max(247)).min(1).default([1]).describe('the slave addresses on the bus, one river probe each'),
  ...faultOptionsShape,
};

/** What a probe holds, at the resolution of its registers. */
export interface ProbeValues {
  readonly level: number;
  readonly temperature: number;
  readonly conductivity: number;
  readonly battery: number;
  readonly address: number;
  readonly datum: number;
}

/** One request the twin answered: what was asked, what the probe held, and any exception. */
export interface ModbusExchange {
  readonly slave: number;
  readonly function: number;
  readonly address: number;
  readonly quantity: number;
  readonly exception?: number | undefined;
  readonly values: ProbeValues;
}

interface MappedValue {
  readonly quantity: keyof ProbeValues;
  readonly function: 3 | 4;
  readonly register: number;
  readonly type: RegisterLayout;
  readonly wordOrder: 'big' | 'little';
  readonly scale: number;
}

/** The probe's register map, as its manual lists it (see the table above). */
export const probeRegisterMap: readonly MappedValue[] = [
  { quantity: 'level', function: 4, register: 0, type: 'float32', wordOrder: 'big', scale: 1 },
  { quantity: 'temperature', function: 4, register: 2, type: 'int16', wordOrder: 'big', scale: 0.01 },
  { quantity: 'conductivity', function: 4, register: 3, type: 'uint32', wordOrder: 'little', scale: 0.1 },
  { quantity: 'battery', function: 4, register: 5, type: 'uint16', wordOrder: 'big', scale: 0.001 },
  { quantity: 'address', function: 3, register: 0, type: 'uint16', wordOrder: 'big', scale: 1 },
  { quantity: 'datum', function: 3, register: 10, type: 'int32', wordOrder: 'big', scale: 0.001 },
];

/** The probe's bus runs at the twin's default 9600 baud, 11-bit characters (Serial Line §2.5.1). */
const BAUD = 9600;
/**
 * A probe's firmware needs the 3.5-character silence to know the request ended, then a few
 * milliseconds to answer; the answer then takes its length on the wire.
 */
const TURNAROUND_MS = frameGapMs(BAUD) + 5;

export class ModbusRtuDevice extends PolledTwin<SlaveRequest, ProbeValues, ModbusExchange> {
  private readonly models = new Map<number, WaterQualityModel>();
  private readonly framer = new RtuRequestFramer(frameGapMs(BAUD));

  constructor(options: { seed: number; slaves: readonly number[]; faults: FaultOptions }, link: DeviceLink, clock: Clock) {
    super(options, link, clock, { baud: BAUD, characterBits: 11, turnaroundMs: TURNAROUND_MS });
    for (const slave of options.slaves) this.models.set(slave, new WaterQualityModel(options.seed * 1009 + slave, 0.6 + 0.15 * slave));
  }

  protected takeRequests(data: Buffer): SlaveRequest[] {
    return this.framer.push(data, this.clock.monotonic());
  }

  protected resetFraming(): void {
    this.framer.reset();
  }

  /** Another slave's request, or a broadcast (address 0): a read never gets an answer. */
  protected answers(request: SlaveRequest): boolean {
    return this.models.has(request.slave);
  }

  protected override stuckKey(request: SlaveRequest): number {
    return request.slave;
  }

  /** The probe's readings rounded to what its registers resolve. */
  protected sample(request: SlaveRequest, epochMs: number): ProbeValues {
    const sample = this.models.get(request.slave)!.sample(epochMs);
    return {
      level: Number(sample.level.toFixed(3)),
      temperature: Number(sample.temperature.toFixed(2)),
      conductivity: Number(sample.conductivity.toFixed(1)),
      battery: Number(sample.battery.toFixed(3)),
      address: request.slave,
      datum: -(1 + 0.25 * request.slave),
    };
  }

  protected render(request: SlaveRequest, values: ProbeValues): Answer<ModbusExchange> {
    const { slave, address = 0, quantity = 0 } = request;
    const registers = request.function === 3 || request.function === 4 ? registerContents(request.function, values) : undefined;
    let exception: number | undefined;
    if (!registers) exception = EXCEPTION.illegalFunction;
    else if (quantity < 1 || quantity > MAX_REGISTERS_PER_READ) exception = EXCEPTION.illegalDataValue;
    else if (Array.from({ length: quantity }, (_, index) => address + index).some((register) => !registers.has(register))) exception = EXCEPTION.illegalDataAddress;
    const reported = { slave, function: request.function, address, quantity, values, exception };
    if (exception !== undefined) return { frame: exceptionAnswer(slave, request.function, exception), protectedPrefix: 2, reported };
    const words = Array.from({ length: quantity }, (_, index) => registers!.get(address + index)!);
    return { frame: registersAnswer(slave, request.function as 3 | 4, words), protectedPrefix: 3, reported };
  }
}

/** Register address → content, for one function's register space. */
function registerContents(fn: 3 | 4, values: ProbeValues): Map<number, number> {
  const registers = new Map<number, number>();
  for (const mapped of probeRegisterMap) {
    if (mapped.function !== fn) continue;
    const raw = mapped.type === 'float32' ? values[mapped.quantity] : Math.round(values[mapped.quantity] / mapped.scale);
    registerWords(raw, mapped.type, mapped.wordOrder).forEach((word, index) => registers.set(mapped.register + index, word));
  }
  return registers;
}

export const modbusRtuSimulator: TwinDefinition<typeof modbusRtuSimulatorShape> = {
  device: 'modbus-rtu',
  summary: 'RS-485 bus of Modbus RTU river probes (level, water temperature, conductivity): answers function 3/4 reads, injectable faults',
  defaultBaud: 9600,
  optionsShape: modbusRtuSimulatorShape,
  readBy: ['modbus-rtu'],
  create: (options, link, clock) => new ModbusRtuDevice(options, link, clock),
};
