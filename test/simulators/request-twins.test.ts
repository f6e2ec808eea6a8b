import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { Mhz19Device } from '../../simulators/devices/mhz19.js';
import { appendCrc, crcMatches } from '../../simulators/devices/modbus-frames.js';
import { ModbusRtuDevice } from '../../simulators/devices/modbus-rtu.js';
import type { Emission } from '../../simulators/devices/periodic.js';
import { answerDelayMs } from '../../simulators/devices/polled-twin.js';
import { noFaults } from '../../simulators/faults.js';
import { OccupancyCo2Model } from '../../simulators/models/occupancy-co2.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
/** The manual's read request. */
const READ_CO2 = hex('FF 01 86 00 00 00 00 00 79');

function wire() {
  const sent: Buffer[] = [];
  return { sent, link: { write: (data: Buffer) => sent.push(Buffer.from(data)) > 0 } };
}

describe('polled twins', () => {
  it('take the firmware turnaround plus the answer on the wire', () => {
    expect(answerDelayMs({ baud: 9600, characterBits: 10, turnaroundMs: 5 }, 9)).toBeCloseTo(14.375, 6);
    expect(answerDelayMs({ baud: 9600, characterBits: 11, turnaroundMs: 0 }, 9)).toBeCloseTo(10.3125, 6);
  });
});

describe('mhz19 twin', () => {
  function sensor() {
    const { sent, link } = wire();
    const clock = new VirtualClock(Date.UTC(2026, 4, 12, 10));
    const device = new Mhz19Device({ seed: 1, capacity: 8, roomVolumeM3: 75, faults: noFaults }, link, clock);
    const emissions: Emission<{ co2: number }>[] = [];
    device.onEmit((emission) => emissions.push(emission));
    device.start();
    return { sent, clock, device, emissions };
  }

  it('answers a read request once its answer has crossed the wire, and ignores other commands', () => {
    const { sent, clock, device, emissions } = sensor();
    device.receive(hex('FF 01 79 A0 00 00 00 00 E6')); // self-calibration on: no answer
    device.receive(READ_CO2.subarray(0, 4));
    device.receive(READ_CO2.subarray(4));
    expect(device.requestsReceived).toBe(1);
    clock.advance(14);
    expect(sent).toHaveLength(0);
    clock.advance(1);
    expect(sent).toHaveLength(1);
    const answer = sent[0]!;
    expect([answer[0], answer[1]]).toEqual([0xff, 0x86]);
    expect([...answer.subarray(1)].reduce((sum, byte) => sum + byte, 0) % 256).toBe(0);
    expect(answer.readUInt16BE(2)).toBe(emissions[0]!.values.co2);
    expect(emissions[0]!.values.co2).toBeGreaterThan(1000);
  });

  it('stays silent when silent, repeats itself when stuck, and drops answers due after stop', () => {
    const { sent, clock, device, emissions } = sensor();
    device.faults.silent = true;
    device.receive(READ_CO2);
    clock.advance(100);
    expect(sent).toHaveLength(0);
    expect(device.requestsReceived).toBe(1);
    device.faults.silent = false;
    device.faults.stuck = true;
    for (let hour = 0; hour < 3; hour++) {
      device.receive(READ_CO2);
      clock.advance(3_600_000);
    }
    expect(new Set(emissions.map((emission) => emission.values.co2)).size).toBe(1);
    device.receive(READ_CO2);
    device.stop();
    clock.advance(100);
    expect(sent).toHaveLength(3);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('models an office: outdoor air at night, hundreds of ppm more with people in it', () => {
    const model = new OccupancyCo2Model(3);
    const night = model.sample(Date.UTC(2026, 4, 12, 3)).co2;
    const samples = Array.from({ length: 13 * 60 }, (_, minute) => model.sample(Date.UTC(2026, 4, 12, 6) + minute * 60_000));
    expect(night).toBeLessThan(450);
    expect(Math.max(...samples.map((sample) => sample.co2))).toBeGreaterThan(1200);
    expect(samples.at(-1)!.occupants).toBe(0); // 19:00: everyone has left
  });
});

describe('modbus-rtu twin', () => {
  function bus() {
    const { sent, link } = wire();
    const clock = new VirtualClock(Date.UTC(2026, 3, 20, 5));
    const device = new ModbusRtuDevice({ seed: 1, slaves: [1, 2], faults: noFaults }, link, clock);
    device.start();
    const ask = (frame: Buffer) => {
      clock.advance(10); // the silence before a new request
      device.receive(frame);
      clock.advance(100);
      return sent.length;
    };
    return { sent, ask };
  }
  const read = (slave: number, fn: number, address: number, quantity: number) => appendCrc([slave, fn, address >> 8, address & 0xff, quantity >> 8, quantity & 0xff]);

  it('answers its slaves and stays silent for others and for a bad CRC', () => {
    const { sent, ask } = bus();
    expect(ask(read(2, 3, 0, 1))).toBe(1);
    expect(sent[0]).toEqual(appendCrc([2, 3, 2, 0, 2])); // holding register 0 holds the slave's address
    expect(ask(read(3, 3, 0, 1))).toBe(1);
    const bad = read(1, 3, 0, 1);
    bad[7] = bad[7]! ^ 0xff;
    expect(ask(bad)).toBe(1);
  });

  it('answers input registers with the probe values its map lays out', () => {
    const { sent, ask } = bus();
    ask(read(1, 4, 0, 6));
    const answer = sent[0]!;
    expect(crcMatches(answer)).toBe(true);
    expect([answer[0], answer[1], answer[2]]).toEqual([1, 4, 12]);
    const level = answer.readFloatBE(3);
    const temperature = answer.readInt16BE(7) / 100;
    const conductivity = (answer.readUInt16BE(11) * 65536 + answer.readUInt16BE(9)) / 10; // low word first
    expect(level).toBeGreaterThan(0);
    expect(temperature).toBeGreaterThan(-5);
    expect(temperature).toBeLessThan(35);
    expect(conductivity).toBeGreaterThan(0);
  });

  it('refuses unknown functions, registers and counts with the matching exception', () => {
    const { sent, ask } = bus();
    ask(appendCrc([1, 6, 0, 0, 0, 1])); // write single register
    ask(read(1, 4, 4, 3)); // past register 5
    ask(read(1, 4, 0, 126));
    expect(sent).toEqual([appendCrc([1, 0x86, 1]), appendCrc([1, 0x84, 2]), appendCrc([1, 0x84, 3])]);
  });
});
