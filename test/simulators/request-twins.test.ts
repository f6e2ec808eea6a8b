import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { decodeMhz19, mhz19ReadRequest, mhz19ResponseLayout } from '../../src/drivers/mhz19/decode.js';
import { decodeAnswer, encodeReadRequest, withCrc } from '../../src/drivers/modbus-rtu/frame.js';
import { Mhz19Device } from '../../simulators/devices/mhz19.js';
import { ModbusRtuDevice } from '../../simulators/devices/modbus-rtu.js';
import { noFaults } from '../../simulators/faults.js';
import { OccupancyCo2Model } from '../../simulators/models/occupancy-co2.js';

function wire() {
  const sent: Buffer[] = [];
  return { sent, link: { write: (data: Buffer) => sent.push(Buffer.from(data)) > 0 } };
}

describe('mhz19 twin', () => {
  it('answers a read request with a sound answer and ignores other commands', () => {
    const { sent, link } = wire();
    const device = new Mhz19Device({ seed: 1, capacity: 8, roomVolumeM3: 75, faults: noFaults }, link, new VirtualClock(Date.UTC(2026, 4, 12, 10)));
    device.start();
    device.receive(withChecksum([0xff, 0x01, 0x79, 0xa0])); // self-calibration on: no answer
    device.receive(mhz19ReadRequest.subarray(0, 4));
    device.receive(mhz19ReadRequest.subarray(4));
    expect(sent).toHaveLength(1);
    expect(mhz19ResponseLayout.check(sent[0]!)).toBeUndefined();
    expect(decodeMhz19(sent[0]!).co2).toBeGreaterThan(1000);
    device.stop();
    device.receive(mhz19ReadRequest);
    expect(sent).toHaveLength(1);
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
      return sent.length;
    };
    return { sent, ask };
  }

  it('answers its slaves and stays silent for others and for a bad CRC', () => {
    const { sent, ask } = bus();
    expect(ask(encodeReadRequest({ slave: 2, function: 3, address: 0, quantity: 1 }))).toBe(1);
    expect(decodeAnswer(sent[0]!)).toEqual({ kind: 'registers', registers: [2] });
    expect(ask(encodeReadRequest({ slave: 3, function: 3, address: 0, quantity: 1 }))).toBe(1);
    const bad = encodeReadRequest({ slave: 1, function: 3, address: 0, quantity: 1 });
    bad[7] = bad[7]! ^ 0xff;
    expect(ask(bad)).toBe(1);
  });

  it('refuses unknown functions, registers and counts with the matching exception', () => {
    const { sent, ask } = bus();
    ask(withCrc([1, 6, 0, 0, 0, 1])); // write single register
    ask(encodeReadRequest({ slave: 1, function: 4, address: 4, quantity: 3 })); // past register 5
    ask(encodeReadRequest({ slave: 1, function: 4, address: 0, quantity: 126 }));
    expect(sent.map((frame) => decodeAnswer(frame))).toEqual([
      { kind: 'exception', code: 1 },
      { kind: 'exception', code: 2 },
      { kind: 'exception', code: 3 },
    ]);
  });
});

function withChecksum(bytes: number[]): Buffer {
  const packet = Buffer.alloc(9);
  bytes.forEach((byte, index) => (packet[index] = byte));
  let sum = 0;
  for (let index = 1; index < 8; index++) sum += packet[index]!;
  packet[8] = (0xff - (sum & 0xff) + 1) & 0xff;
  return packet;
}
