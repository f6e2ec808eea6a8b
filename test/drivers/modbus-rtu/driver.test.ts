import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeRegisters, engineeringValue, registerCount, registerTypes, type RegisterType } from '../../../src/drivers/modbus-rtu/decode.js';
import { encodeException, encodeReadAnswer, encodeReadRequest, type ReadRequest } from '../../../src/drivers/modbus-rtu/frame.js';
import { modbusRtuDriver } from '../../../src/drivers/modbus-rtu/index.js';
import { modbusRtuDeviceShape, modbusRtuSensorShape, refineModbusRtuDevice, refineModbusRtuSensor, type ModbusRtuDeviceOptions, type ModbusRtuSensorOptions } from '../../../src/drivers/modbus-rtu/schema.js';
import { harness } from '../../support/driver-harness.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../frame-properties.js';

const bus: ModbusRtuDeviceOptions = { intervalMs: 5000, timeoutMs: 1000, silenceMs: 5, retries: 0 };
const sensor = (options: Partial<ModbusRtuSensorOptions> & { register: number }): ModbusRtuSensorOptions => ({ slave: 1, function: 4, dataType: 'uint16', wordOrder: 'big', scale: 1, offset: 0, ...options });
const probe: [string, string, ModbusRtuSensorOptions][] = [
  ['level', 'm', sensor({ register: 0, dataType: 'float32' })],
  ['temperature', 'Cel', sensor({ register: 2, dataType: 'int16', scale: 0.01 })],
  ['datum', 'm', sensor({ function: 3, register: 10, dataType: 'int32', scale: 0.001 })],
];
const inputs: ReadRequest = { slave: 1, function: 4, address: 0, quantity: 3 };
const holding: ReadRequest = { slave: 1, function: 3, address: 10, quantity: 2 };

function polling(sensors: [string, string | undefined, ModbusRtuSensorOptions][] = probe, device: ModbusRtuDeviceOptions = bus) {
  const under = harness(modbusRtuDriver, device, sensors);
  under.instance.onOpen?.();
  under.clock.advance(100);
  return under;
}

describe('modbus-rtu driver', () => {
  it('polls one request at a time, with the inter-frame silence between them', () => {
    const under = polling();
    // Holding registers of slave 1 come first (ordered by function), one request outstanding.
    expect(under.written).toEqual([encodeReadRequest(holding)]);
    under.bytes(encodeReadAnswer(holding, [0xffff, 0xfb1e]));
    under.clock.advance(4);
    expect(under.written).toHaveLength(1); // still silent
    under.clock.advance(1);
    expect(under.written).toEqual([encodeReadRequest(holding), encodeReadRequest(inputs)]);
    under.bytes(encodeReadAnswer(inputs, [0x4049, 0x0fdb, 0x04d2]));
    expect(under.readings.map((reading) => [reading.name, reading.value, reading.unit])).toEqual([
      ['datum', -1.25, 'm'],
      ['level', 3.1415927, 'm'],
      ['temperature', 12.34, 'Cel'],
    ]);
    under.clock.advance(4995);
    expect(under.written).toHaveLength(3); // the next cycle, on schedule
    expect(under.problems.snapshot()).toEqual({});
  });

  it('counts a silent slave as a timeout and moves on to the next request', () => {
    const under = polling();
    under.clock.advance(1000);
    expect(under.problems.snapshot()).toEqual({ timeout: 1 });
    under.clock.advance(5);
    expect(under.written.at(-1)).toEqual(encodeReadRequest(inputs));
  });

  it('counts exceptions by their name, a bad CRC as a bad frame, and noise as garbage', () => {
    const under = polling();
    under.bytes(encodeException(1, 3, 2));
    under.clock.advance(5);
    const corrupt = encodeReadAnswer(inputs, [1, 2, 3]);
    corrupt[5] = corrupt[5]! ^ 0x40;
    under.bytes(Buffer.concat([Buffer.from([0x00, 0x13, 0x01, 0x99]), corrupt]));
    under.clock.advance(10); // the line went quiet: the corrupt answer is over, no timeout
    expect(under.written).toHaveLength(2);
    under.clock.advance(5000);
    expect(under.readings).toHaveLength(0);
    expect(under.problems.snapshot()).toMatchObject({ 'exception-illegal-data-address': 1, 'bad-frame': 1 });
    expect(under.problems.total('garbage-bytes')).toBeGreaterThan(0);
    expect(under.problems.total('timeout')).toBe(0);
  });

  it('takes an answer split across chunks and ignores bytes while no request is outstanding', () => {
    const under = polling([probe[0]!]);
    const answer = encodeReadAnswer({ slave: 1, function: 4, address: 0, quantity: 2 }, [0x4049, 0x0fdb]);
    under.bytes(answer.subarray(0, 3));
    under.bytes(answer.subarray(3));
    under.bytes([0x01, 0x02]);
    expect(under.readings.map((reading) => reading.value)).toEqual([3.1415927]);
    expect(under.problems.snapshot()).toEqual({ 'garbage-bytes': 1 });
  });

  it('skips a cycle that is due while the last one still runs', () => {
    const sensors = [1, 2, 3, 4, 5, 6].map((slave): [string, string, ModbusRtuSensorOptions] => [`t${slave}`, 'Cel', sensor({ slave, register: 0 })]);
    const under = polling(sensors);
    under.clock.advance(5000); // six silent slaves: 6 × 1005 ms > 5000 ms
    expect(under.problems.total('poll-overrun')).toBe(1);
    expect(under.problems.total('timeout')).toBe(4);
  });

  it('stops polling when the port closes', () => {
    const under = polling();
    under.instance.onClose?.();
    expect(under.clock.pendingTimers()).toBe(0);
    under.clock.advance(60_000);
    expect(under.written).toHaveLength(1);
  });

  it('retries a request that timed out or came back corrupt, after the silence, and counts each failed attempt', () => {
    const under = polling([probe[0]!], { ...bus, retries: 2 });
    const request = encodeReadRequest({ slave: 1, function: 4, address: 0, quantity: 2 });
    under.clock.advance(1000); // attempt 1: silence
    expect(under.written).toHaveLength(1);
    under.clock.advance(5);
    expect(under.written).toEqual([request, request]);
    const corrupt = encodeReadAnswer({ slave: 1, function: 4, address: 0, quantity: 2 }, [0x4049, 0x0fdb]);
    corrupt[4] = corrupt[4]! ^ 0x01;
    under.bytes(corrupt); // attempt 2: a bad CRC, over when the line goes quiet
    under.clock.advance(5 + 5);
    expect(under.written).toEqual([request, request, request]);
    under.bytes(encodeReadAnswer({ slave: 1, function: 4, address: 0, quantity: 2 }, [0x4049, 0x0fdb]));
    expect(under.readings.map((reading) => reading.value)).toEqual([3.1415927]);
    expect(under.problems.snapshot()).toMatchObject({ timeout: 1, 'bad-frame': 1 });
    under.clock.advance(3980);
    expect(under.written).toHaveLength(3); // answered: no more attempts until the next cycle, at 5100
  });

  it('gives a request up after its last retry and does not retry an exception', () => {
    const under = polling([probe[0]!, ['pump', undefined, sensor({ slave: 2, register: 0 })]], { ...bus, retries: 1 });
    under.bytes(encodeException(1, 4, 2));
    under.clock.advance(5);
    expect(under.written.at(-1)).toEqual(encodeReadRequest({ slave: 2, function: 4, address: 0, quantity: 1 }));
    under.clock.advance(1000 + 5 + 1000); // slave 2 is silent twice
    expect(under.written).toHaveLength(3);
    expect(under.problems.snapshot()).toEqual({ 'exception-illegal-data-address': 1, timeout: 2 });
    under.clock.advance(2989);
    expect(under.written).toHaveLength(3);
    under.clock.advance(1); // the next cycle, 5000 ms after the first, starts with slave 1 again
    expect(under.written.at(-1)).toEqual(encodeReadRequest({ slave: 1, function: 4, address: 0, quantity: 2 }));
  });

  it('takes the bus timing once for the device, and checks each value against the register space', () => {
    const device = z.object(modbusRtuDeviceShape).superRefine(refineModbusRtuDevice);
    expect(device.parse({})).toEqual({ intervalMs: 5000, timeoutMs: 1000, silenceMs: 5, retries: 0 });
    expect(device.safeParse({ intervalMs: 1000, timeoutMs: 1000 }).error?.issues.map((issue) => issue.path.join('.'))).toEqual(['timeoutMs']);
    expect(device.safeParse({ retries: 4 }).success).toBe(false);
    const value = z.object(modbusRtuSensorShape).superRefine(refineModbusRtuSensor);
    expect(value.parse({ register: 7 })).toEqual({ slave: 1, function: 3, register: 7, dataType: 'uint16', wordOrder: 'big', scale: 1, offset: 0 });
    expect(value.safeParse({ register: 0xffff, dataType: 'float32' }).error?.issues.map((issue) => issue.message)).toEqual([
      'a float32 needs registers 65535-65536, past the last register 65535',
    ]);
  });

  it('ends every request with readings, an exception, a bad frame or a timeout, whatever comes back (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    type Kind = 'sound' | 'garbage-then-sound' | 'corrupt' | 'truncated' | 'noise' | 'silent' | 'exception';
    const layout = fc.record({
      slave: fc.integer({ min: 1, max: 247 }),
      function: fc.constantFrom(3 as const, 4 as const),
      address: fc.integer({ min: 0, max: 60_000 }),
      types: fc.array(fc.constantFrom(...registerTypes), { minLength: 1, maxLength: 4 }),
    });
    const answer = fc.record({
      kind: fc.constantFrom<Kind>('sound', 'garbage-then-sound', 'corrupt', 'truncated', 'noise', 'silent', 'exception'),
      words: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
      at: fc.nat(),
      xor: fc.integer({ min: 1, max: 255 }),
      noise: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 24 }),
      chunk: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(layout, fc.array(answer, { minLength: 1, maxLength: 6 }), ({ slave, function: fn, address, types }, answers) => {
        let register = address;
        const sensors = types.map((type: RegisterType, index): [string, undefined, ModbusRtuSensorOptions] => {
          const options = sensor({ slave, function: fn, register, dataType: type });
          register += registerCount(type);
          return [`v${index}`, undefined, options];
        });
        const request: ReadRequest = { slave, function: fn, address, quantity: register - address };
        const under = polling(sensors, { ...bus, intervalMs: 1000, timeoutMs: 500 });
        let expected: (number | undefined)[] = [];
        for (const [index, { kind, words, at, xor, noise, chunk }] of answers.entries()) {
          const registers = words.slice(0, request.quantity);
          const sound = encodeReadAnswer(request, registers);
          let bytes: Buffer = Buffer.alloc(0);
          if (kind === 'sound') bytes = sound;
          if (kind === 'garbage-then-sound') bytes = Buffer.concat([Buffer.from(noise), sound]);
          if (kind === 'exception') bytes = encodeException(slave, fn, 1 + (at % 11));
          if (kind === 'truncated') bytes = sound.subarray(0, 1 + (at % (sound.length - 1)));
          if (kind === 'noise') bytes = Buffer.from(noise);
          if (kind === 'corrupt') {
            bytes = Buffer.from(sound);
            const position = 3 + (at % (sound.length - 3));
            bytes[position] = bytes[position]! ^ xor;
          }
          if (kind.endsWith('sound')) {
            let offset = 0;
            expected = expected.concat(types.map((type) => engineeringValue(decodeRegisters(registers.slice(offset, (offset += registerCount(type))), type, 'big'), 1, 0)));
          }
          for (let offset = 0; offset < bytes.length; offset += chunk) under.bytes(bytes.subarray(offset, offset + chunk));
          if (under.written.length !== index + 1) throw new Error(`request ${index + 1} was not sent`);
          under.clock.advance(1000);
        }
        // Plain checks: vitest's expect is too slow for 100,000 runs.
        const count = (...kinds: Kind[]) => answers.filter((answer) => kinds.includes(answer.kind)).length;
        const total = (kind: string) => under.problems.total(kind);
        const exceptions = Object.entries(under.problems.snapshot()).reduce((sum, [kind, n]) => sum + (kind.startsWith('exception-') ? n : 0), 0);
        const readings = under.readings.map((reading) => reading.value).join();
        const wanted = expected.filter((value) => value !== undefined).join();
        if (readings !== wanted) throw new Error(`readings ${readings}, expected ${wanted}`);
        if (total('bad-value') !== expected.filter((value) => value === undefined).length) throw new Error('a NaN float went uncounted');
        if (exceptions !== count('exception')) throw new Error(`${exceptions} exceptions`);
        if (total('bad-frame') < count('corrupt')) throw new Error('a corrupt answer went uncounted');
        const timeouts = total('timeout');
        if (timeouts < count('truncated', 'silent') || timeouts > count('truncated', 'silent', 'noise')) throw new Error(`${timeouts} timeouts`);
        if (timeouts + total('bad-frame') < count('corrupt', 'truncated', 'silent', 'noise')) throw new Error('a failed request went uncounted');
        if (total('poll-overrun') !== 0) throw new Error('overrun');
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});
