/**
 * Twin of a Winsen MH-Z19B: it says nothing until asked. Each read request it receives is
 * answered with the nine-byte answer for the room model's CO2 at that moment, passed through
 * the fault injector; `silent` leaves requests unanswered, so the host's timeout is exercised,
 * and `stuck` repeats the last value.
 *
 * The packets, from the "MH-Z19B Infrared CO2 Sensor User's Manual" V1.0 (§ communication
 * protocol, 9600 8N1; command 0x86 "Read CO2 concentration"; § checksum calculation):
 *
 *   request   FF 01 86 00 00 00 00 00 79      byte 0 start, byte 1 sensor number, byte 2 command
 *   answer    FF 86 HIGH LOW -- -- -- -- CS   CO2 = HIGH × 256 + LOW ppm
 *
 * CS negates the low byte of the sum of bytes 1–7: (NOT sum) + 1. The bytes after LOW are
 * marked reserved; sensors in the field put the temperature + 40 in byte 4, which the twin
 * copies.
 */
import { z } from 'zod';
import type { Clock, DeviceLink, TwinDefinition } from '../../src/index.js';
import { faultOptionsShape, type FaultOptions } from '../faults.js';
import { OccupancyCo2Model } from '../models/occupancy-co2.js';
import { PolledTwin, type Answer } from './polled-twin.js';

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

/** Every packet of the protocol, request or answer, is nine bytes. */
export const MHZ19_PACKET_BYTES = 9;
/** Command byte of "Read CO2 concentration". */
export const READ_CO2_COMMAND = 0x86;
/** Upper end of the MH-Z19B's factory range. */
const RANGE_PPM = 5000;
/** Byte 4 of the answer holds the temperature plus this, as sensors in the field do. */
const TEMPERATURE_OFFSET = 40;
/**
 * The manual states no response time; sensors answer within a few milliseconds of the
 * request's last byte. Nine bytes at 9600 baud then take another 9.4 ms on the wire.
 */
const TURNAROUND_MS = 5;

/** The manual's checksum: (NOT (low byte of the sum of bytes 1–7)) + 1, in one byte. */
export function mhz19PacketChecksum(packet: Uint8Array): number {
  let sum = 0;
  for (let index = 1; index <= 7; index++) sum = (sum + packet[index]!) & 0xff;
  return ((~sum & 0xff) + 1) & 0xff;
}

/** The answer to a read request: CO2 in ppm (clamped to 16 bits), the temperature byte, the checksum. */
export function mhz19ReadAnswer(co2: number, temperature: number): Buffer {
  const ppm = Math.max(0, Math.min(0xffff, Math.round(co2)));
  const packet = Buffer.alloc(MHZ19_PACKET_BYTES);
  packet[0] = 0xff;
  packet[1] = READ_CO2_COMMAND;
  packet[2] = ppm >> 8;
  packet[3] = ppm & 0xff;
  packet[4] = Math.max(0, Math.min(0xff, Math.round(temperature) + TEMPERATURE_OFFSET));
  packet[8] = mhz19PacketChecksum(packet);
  return packet;
}

/**
 * Finds the packets a host sends to sensor number 1 (FF 01 …, nine bytes, sound checksum)
 * in a byte stream; bytes that cannot start one are skipped, as the sensor's UART loop does.
 */
export class Mhz19RequestFramer {
  private buffered: Buffer = Buffer.alloc(0);

  /** Commands (byte 2) of the complete, sound packets in what has arrived. */
  push(data: Buffer): number[] {
    this.buffered = Buffer.concat([this.buffered, data]);
    const commands: number[] = [];
    for (;;) {
      const start = this.findStart();
      this.buffered = this.buffered.subarray(start);
      if (this.buffered.length < MHZ19_PACKET_BYTES) return commands;
      const packet = this.buffered.subarray(0, MHZ19_PACKET_BYTES);
      if (packet[8] === mhz19PacketChecksum(packet)) {
        commands.push(packet[2]!);
        this.buffered = this.buffered.subarray(MHZ19_PACKET_BYTES);
      } else {
        this.buffered = this.buffered.subarray(1); // a false start: look again one byte on
      }
    }
  }

  reset(): void {
    this.buffered = Buffer.alloc(0);
  }

  /** Index of the first FF 01 (or of a trailing FF that may begin one), else the end. */
  private findStart(): number {
    for (let index = 0; index < this.buffered.length; index++) {
      if (this.buffered[index] !== 0xff) continue;
      if (index + 1 === this.buffered.length || this.buffered[index + 1] === 0x01) return index;
    }
    return this.buffered.length;
  }
}

export class Mhz19Device extends PolledTwin<number, Mhz19Values> {
  private readonly model: OccupancyCo2Model;
  private readonly framer = new Mhz19RequestFramer();

  constructor(options: Mhz19DeviceOptions, link: DeviceLink, clock: Clock) {
    super(options, link, clock, { baud: 9600, characterBits: 10, turnaroundMs: TURNAROUND_MS });
    this.model = new OccupancyCo2Model(options.seed, { capacity: options.capacity, volumeM3: options.roomVolumeM3 });
  }

  protected takeRequests(data: Buffer): number[] {
    return this.framer.push(data);
  }

  protected resetFraming(): void {
    this.framer.reset();
  }

  /** Other commands (calibration, range, self-calibration) get no answer from this twin. */
  protected answers(command: number): boolean {
    return command === READ_CO2_COMMAND;
  }

  protected sample(_command: number, epochMs: number): Mhz19Values {
    const sample = this.model.sample(epochMs);
    return { co2: Math.min(RANGE_PPM, Math.round(sample.co2)), temperature: Math.round(sample.temperature), occupants: sample.occupants };
  }

  protected render(_command: number, values: Mhz19Values): Answer<Mhz19Values> {
    return { frame: mhz19ReadAnswer(values.co2, values.temperature), protectedPrefix: 2, reported: values };
  }
}

export const mhz19Simulator: TwinDefinition<typeof mhz19SimulatorShape> = {
  device: 'mhz19',
  summary: 'Winsen MH-Z19B CO2 sensor: answers read requests from an office-room occupancy model, injectable faults',
  defaultBaud: 9600,
  optionsShape: mhz19SimulatorShape,
  readBy: ['mhz19'],
  create: (options, link, clock) => new Mhz19Device(options, link, clock),
};
