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
import type { Clock } from '../../src/core/clock.js';
import { encodeRegisters, type RegisterType, type WordOrder } from '../../src/drivers/modbus-rtu/decode.js';
import { decodeRequest, encodeException, encodeReadAnswer, hasValidCrc, interFrameSilenceMs, MAX_READ_REGISTERS, type ReceivedRequest } from '../../src/drivers/modbus-rtu/frame.js';
import type { DeviceLink, SimulatedDevice, SimulatorDefinition } from '../device.js';
import { FaultInjector, faultOptionsShape, type FaultOptions } from '../faults.js';
import { WaterQualityModel } from '../models/water-quality.js';
import type { Emission } from './periodic.js';

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
  readonly type: RegisterType;
  readonly wordOrder: WordOrder;
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

/** A gap this long between received bytes ends a request frame (3.5 characters at 9600 baud). */
const FRAME_GAP_MS = interFrameSilenceMs(9600);
/** The longest RTU frame (Serial Line §2.5.1): anything longer is line noise. */
const MAX_FRAME = 256;

export class ModbusRtuDevice implements SimulatedDevice {
  readonly faults: FaultInjector;
  /** Requests addressed to one of this bus's slaves, answered or not; lets tests wait for the driver. */
  requestsReceived = 0;
  private readonly probes = new Map<number, { model: WaterQualityModel; last?: ProbeValues }>();
  private readonly listeners: ((emission: Emission<ModbusExchange>) => void)[] = [];
  private received: Buffer = Buffer.alloc(0);
  private lastByteAt = Number.NEGATIVE_INFINITY;
  private running = false;

  constructor(
    options: { seed: number; slaves: readonly number[]; faults: FaultOptions },
    private readonly link: DeviceLink,
    private readonly clock: Clock,
  ) {
    this.faults = new FaultInjector(options.seed, options.faults);
    for (const slave of options.slaves) this.probes.set(slave, { model: new WaterQualityModel(options.seed * 1009 + slave, 0.6 + 0.15 * slave) });
  }

  /** Listens to every answer: the exchange, the bytes sent and the fault applied. */
  onEmit(listener: (emission: Emission<ModbusExchange>) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.running = true;
  }

  stop(): void {
    this.running = false;
    this.received = Buffer.alloc(0);
  }

  /** Frames requests as a slave does: a pause ends a frame, and a frame is what its CRC closes. */
  receive(data: Buffer): void {
    if (!this.running) return;
    const now = this.clock.monotonic();
    if (now - this.lastByteAt >= FRAME_GAP_MS) this.received = Buffer.alloc(0);
    this.lastByteAt = now;
    this.received = Buffer.concat([this.received, data]);
    for (let length = 4; length <= this.received.length; length++) {
      const frame = this.received.subarray(0, length);
      if (!hasValidCrc(frame)) continue;
      this.received = this.received.subarray(length);
      this.answer(decodeRequest(Buffer.from(frame)));
      length = 3;
    }
    if (this.received.length > MAX_FRAME) this.received = Buffer.alloc(0);
  }

  private answer(request: ReceivedRequest): void {
    const probe = this.probes.get(request.slave);
    if (!probe) return; // another slave's request, or a broadcast: a read never gets an answer
    this.requestsReceived++;
    const time = this.clock.now();
    const fresh = this.valuesAt(request.slave, probe.model, time);
    const values = this.faults.stuck && probe.last ? probe.last : fresh;
    probe.last = values;
    if (this.faults.silent) return;
    const { address = 0, quantity = 0 } = request;
    const exchange = { slave: request.slave, function: request.function, address, quantity, values };
    const registers = request.function === 3 || request.function === 4 ? this.registers(request.function, values) : undefined;
    let exception: number | undefined;
    if (!registers) exception = 1; // ILLEGAL FUNCTION
    else if (quantity < 1 || quantity > MAX_READ_REGISTERS) exception = 3; // ILLEGAL DATA VALUE
    else if (Array.from({ length: quantity }, (_, index) => address + index).some((register) => !registers.has(register))) exception = 2; // ILLEGAL DATA ADDRESS
    const frame =
      exception === undefined
        ? encodeReadAnswer({ slave: request.slave, function: request.function as 3 | 4, address, quantity }, Array.from({ length: quantity }, (_, index) => registers!.get(address + index)!))
        : encodeException(request.slave, request.function, exception);
    const outcome = this.faults.apply(frame, exception === undefined ? 3 : 2);
    this.link.write(outcome.bytes);
    const emission = { time, values: { ...exchange, exception }, bytes: outcome.bytes, fault: outcome.fault };
    for (const listener of this.listeners) listener(emission);
  }

  /** The probe's readings rounded to what its registers resolve. */
  private valuesAt(slave: number, model: WaterQualityModel, epochMs: number): ProbeValues {
    const sample = model.sample(epochMs);
    return {
      level: Number(sample.level.toFixed(3)),
      temperature: Number(sample.temperature.toFixed(2)),
      conductivity: Number(sample.conductivity.toFixed(1)),
      battery: Number(sample.battery.toFixed(3)),
      address: slave,
      datum: -(1 + 0.25 * slave),
    };
  }

  /** Register address → content, for one function's register space. */
  private registers(fn: 3 | 4, values: ProbeValues): Map<number, number> {
    const registers = new Map<number, number>();
    for (const mapped of probeRegisterMap) {
      if (mapped.function !== fn) continue;
      const raw = mapped.type === 'float32' ? values[mapped.quantity] : Math.round(values[mapped.quantity] / mapped.scale);
      encodeRegisters(raw, mapped.type, mapped.wordOrder).forEach((word, index) => registers.set(mapped.register + index, word));
    }
    return registers;
  }
}

export const modbusRtuSimulator: SimulatorDefinition<typeof modbusRtuSimulatorShape> = {
  device: 'modbus-rtu',
  summary: 'RS-485 bus of Modbus RTU river probes (level, water temperature, conductivity): answers function 3/4 reads, injectable faults',
  defaultBaud: 9600,
  optionsShape: modbusRtuSimulatorShape,
  create: (options, link, clock) => new ModbusRtuDevice(options, link, clock),
  checkSensors: (_options, sensors) =>
    sensors.filter((sensor) => sensor.driver['type'] !== 'modbus-rtu').map((sensor) => ({ path: `${sensor.path}.driver.type`, message: 'the simulated bus speaks modbus-rtu' })),
};
