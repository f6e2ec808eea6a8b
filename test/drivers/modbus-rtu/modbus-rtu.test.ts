import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRegisters, encodeRegisters, engineeringValue, registerCount, shortestFloat32, type RegisterType } from '../../../src/drivers/modbus-rtu/decode.js';
import { answerLayout, decodeAnswer, encodeException, encodeReadAnswer, encodeReadRequest, exceptionName, interFrameSilenceMs, modbusCrc, withCrc } from '../../../src/drivers/modbus-rtu/frame.js';
import { planReads } from '../../../src/drivers/modbus-rtu/plan.js';
import type { ModbusRtuSensorOptions } from '../../../src/drivers/modbus-rtu/schema.js';

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');
const sensor = (options: Partial<ModbusRtuSensorOptions> & { register: number }): ModbusRtuSensorOptions => ({ slave: 1, function: 4, dataType: 'uint16', wordOrder: 'big', scale: 1, offset: 0, ...options });

describe('modbus-rtu frames', () => {
  it('computes CRC-16/MODBUS (0xA001 reflected, initial 0xFFFF) and sends it low byte first', () => {
    expect(modbusCrc(Buffer.from('123456789'))).toBe(0x4b37); // the CRC catalogue's check value
    // The classic read of registers 40108–40110 from slave 17 (Application Protocol §6.3's example, framed).
    expect(encodeReadRequest({ slave: 0x11, function: 3, address: 0x6b, quantity: 3 })).toEqual(hex('11 03 00 6B 00 03 76 87'));
    expect(encodeReadRequest({ slave: 1, function: 3, address: 0, quantity: 1 })).toEqual(hex('01 03 00 00 00 01 84 0A'));
  });

  it('decodes the specification’s answers to function 3 and 4', () => {
    const read3 = { slave: 0x11, function: 3, address: 0x6b, quantity: 3 } as const;
    // §6.3: byte count 06, registers 108–110 = 02 2B, 00 00, 00 64 (555, 0, 100).
    const answer3 = withCrc(hex('11 03 06 02 2B 00 00 00 64'));
    expect(answerLayout(read3).frameLength(answer3, 0)).toBe(11);
    expect(answerLayout(read3).check(answer3)).toBeUndefined();
    expect(decodeAnswer(answer3)).toEqual({ kind: 'registers', registers: [555, 0, 100] });
    expect(encodeReadAnswer(read3, [555, 0, 100])).toEqual(answer3);
    // §6.4: input register 9 (address 8) = 00 0A.
    const read4 = { slave: 1, function: 4, address: 8, quantity: 1 } as const;
    expect(encodeReadAnswer(read4, [10])).toEqual(withCrc(hex('01 04 02 00 0A')));
    expect(decodeAnswer(encodeReadAnswer(read4, [10]))).toEqual({ kind: 'registers', registers: [10] });
  });

  it('recognises exception answers (§7) and names their codes', () => {
    const read = { slave: 1, function: 3, address: 0x9ca3, quantity: 1 } as const;
    expect(encodeReadRequest(read)).toEqual(hex('01 03 9C A3 00 01 5A 78'));
    const refusal = hex('01 83 02 C0 F1');
    expect(encodeException(1, 3, 2)).toEqual(refusal);
    expect(answerLayout(read).frameLength(refusal, 0)).toBe(5);
    expect(answerLayout(read).check(refusal)).toBeUndefined();
    expect(decodeAnswer(refusal)).toEqual({ kind: 'exception', code: 2 });
    expect([1, 2, 3, 4, 6, 11, 99].map(exceptionName)).toEqual(['illegal-function', 'illegal-data-address', 'illegal-data-value', 'server-device-failure', 'server-device-busy', 'gateway-target-device-failed-to-respond', 'code-99']);
  });

  it('rejects a bad CRC, a wrong byte count and another function', () => {
    const read = { slave: 0x11, function: 3, address: 0x6b, quantity: 3 } as const;
    const bad = withCrc(hex('11 03 06 02 2B 00 00 00 64'));
    bad[4] = bad[4]! ^ 0x01;
    expect(answerLayout(read).check(bad)).toBe('bad CRC');
    expect(answerLayout(read).frameLength(hex('11 03 04 00'), 0)).toBeNaN();
    expect(answerLayout(read).frameLength(hex('11 04 06 00'), 0)).toBeNaN();
    expect(answerLayout(read).frameLength(hex('11 03'), 0)).toBeUndefined();
  });

  it('derives the inter-frame silence from the baud rate (Serial Line §2.5.1.1)', () => {
    expect(interFrameSilenceMs(9600)).toBeCloseTo(4.0104, 4);
    expect(interFrameSilenceMs(19_200)).toBeCloseTo(2.0052, 4);
    expect(interFrameSilenceMs(115_200)).toBe(1.75);
  });
});

describe('modbus-rtu register values', () => {
  it('reads 16- and 32-bit integers and floats in both word orders', () => {
    expect(decodeRegisters([0xff38], 'int16', 'big')).toBe(-200);
    expect(decodeRegisters([0xff38], 'uint16', 'big')).toBe(65336);
    expect(decodeRegisters([0xffff, 0xfb1e], 'int32', 'big')).toBe(-1250);
    expect(decodeRegisters([0xfb1e, 0xffff], 'int32', 'little')).toBe(-1250);
    expect(decodeRegisters([0x1450, 0x0000], 'uint32', 'little')).toBe(5200);
    expect(decodeRegisters([0x0001, 0x0000], 'uint32', 'big')).toBe(65536);
    // IEEE 754 single π is 0x40490FDB.
    expect(decodeRegisters([0x4049, 0x0fdb], 'float32', 'big')).toBe(3.1415927);
    expect(decodeRegisters([0x0fdb, 0x4049], 'float32', 'little')).toBe(3.1415927);
    expect(encodeRegisters(3.1415927, 'float32', 'little')).toEqual([0x0fdb, 0x4049]);
    expect(encodeRegisters(-1250, 'int32', 'big')).toEqual([0xffff, 0xfb1e]);
  });

  it('scales exactly and refuses NaN', () => {
    expect(engineeringValue(2153, 0.01, 0)).toBe(21.53);
    expect(engineeringValue(-1250, 0.001, 0)).toBe(-1.25);
    expect(engineeringValue(4520, 0.1, -273.15)).toBe(178.85);
    expect(engineeringValue(decodeRegisters([0x7fc0, 0x0000], 'float32', 'big'), 1, 0)).toBeUndefined();
    expect(shortestFloat32(Math.fround(2.345))).toBe(2.345);
  });

  it('round-trips every value of every type through its registers (property)', () => {
    const typed = fc.oneof(
      fc.record({ type: fc.constant<RegisterType>('int16'), raw: fc.integer({ min: -0x8000, max: 0x7fff }) }),
      fc.record({ type: fc.constant<RegisterType>('uint16'), raw: fc.integer({ min: 0, max: 0xffff }) }),
      fc.record({ type: fc.constant<RegisterType>('int32'), raw: fc.integer({ min: -0x80000000, max: 0x7fffffff }) }),
      fc.record({ type: fc.constant<RegisterType>('uint32'), raw: fc.integer({ min: 0, max: 0xffffffff }) }),
      fc.record({ type: fc.constant<RegisterType>('float32'), raw: fc.float({ noNaN: true, noDefaultInfinity: true }).map(shortestFloat32) }),
    );
    fc.assert(
      fc.property(typed, fc.constantFrom('big' as const, 'little' as const), ({ type, raw }, order) => {
        const registers = encodeRegisters(raw, type, order);
        return registers.length === registerCount(type) && decodeRegisters(registers, type, order) === raw;
      }),
    );
  });
});

describe('modbus-rtu read plan', () => {
  it('reads touching registers of one slave and function together, and nothing across gaps', () => {
    const named = (name: string, options: ModbusRtuSensorOptions) => ({ name, options });
    const plan = planReads([
      named('battery', sensor({ register: 5 })),
      named('level', sensor({ register: 0, dataType: 'float32' })),
      named('conductivity', sensor({ register: 3, dataType: 'uint32', wordOrder: 'little' })),
      named('temperature', sensor({ register: 2, dataType: 'int16' })),
      named('datum', sensor({ function: 3, register: 10, dataType: 'int32' })),
      named('address', sensor({ function: 3, register: 0 })),
      named('level-2', sensor({ slave: 2, register: 0, dataType: 'float32' })),
    ]);
    expect(plan.map((read) => read.request)).toEqual([
      { slave: 1, function: 3, address: 0, quantity: 1 },
      { slave: 1, function: 3, address: 10, quantity: 2 },
      { slave: 1, function: 4, address: 0, quantity: 6 },
      { slave: 2, function: 4, address: 0, quantity: 2 },
    ]);
    expect(plan[2]!.values.map((value) => [value.sensor.name, value.at, value.count])).toEqual([
      ['level', 0, 2],
      ['temperature', 2, 1],
      ['conductivity', 3, 2],
      ['battery', 5, 1],
    ]);
  });

  it('splits a run of registers at 125, the most one read may ask for', () => {
    const plan = planReads(Array.from({ length: 130 }, (_, register) => ({ options: sensor({ register }) })));
    expect(plan.map((read) => read.request.quantity)).toEqual([125, 5]);
  });
});
