import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dallasCrc8, decodeW1Slave, encodeW1Slave, milliCelsiusFromScratchpad, scratchpadFor } from '../../../src/drivers/ds18b20/decode.js';
import { ds18b20Driver } from '../../../src/drivers/ds18b20/index.js';
import { SimulatedI2cBuses } from '../../../simulators/pi/i2c-bus.js';
import { hostHarness } from '../../support/driver-harness.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../frame-properties.js';

/** Reads as the kernel prints them: a DS18B20 at 23.125 °C, and its power-on reset value. */
const at23 = '72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n';
const powerOn = '50 05 4b 46 7f ff 0c 10 1c : crc=1c YES\n50 05 4b 46 7f ff 0c 10 1c t=85000\n';
/** A kernel before 5.9, when the sensor did not answer: all ones, CRC NO, the last good bytes below. */
const crcNo = 'ff ff ff ff ff ff ff ff ff : crc=c9 NO\n72 01 4b 46 7f ff 0e 10 57 t=-62\n';

describe('ds18b20 decoder', () => {
  it('decodes a read as the kernel prints it', () => {
    expect(decodeW1Slave(at23)).toEqual({ ok: true, milliCelsius: 23_125, scratchpad: [0x72, 0x01, 0x4b, 0x46, 0x7f, 0xff, 0x0e, 0x10, 0x57] });
    expect(encodeW1Slave(scratchpadFor(0x0172))).toBe(at23);
    expect(dallasCrc8([0x72, 0x01, 0x4b, 0x46, 0x7f, 0xff, 0x0e, 0x10])).toBe(0x57);
  });

  it('converts the data sheet table 1 values as the kernel does (1/16 °C, truncated to m°C)', () => {
    const table: [number, number][] = [
      [0x07d0, 125_000],
      [0x0191, 25_062],
      [0x00a2, 10_125],
      [0x0008, 500],
      [0x0000, 0],
      [0xfff8, -500],
      [0xff5e, -10_125],
      [0xfe6f, -25_062],
      [0xfc90, -55_000],
    ];
    for (const [raw, milli] of table) {
      expect(milliCelsiusFromScratchpad(scratchpadFor(raw))).toBe(milli);
      expect(decodeW1Slave(encodeW1Slave(scratchpadFor(raw)))).toMatchObject({ ok: true, milliCelsius: milli });
    }
  });

  it('names every kind of bad read', () => {
    const problem = (text: string) => {
      const outcome = decodeW1Slave(text);
      return outcome.ok ? 'ok' : outcome.problem;
    };
    expect(problem(crcNo)).toBe('crc-failure');
    expect(problem('')).toBe('no-answer');
    expect(problem(powerOn)).toBe('power-on-reset');
    expect(problem('00 00 00 00 00 00 00 00 00 : crc=00 YES\n00 00 00 00 00 00 00 00 00 t=0\n')).toBe('bus-fault');
    // 07FFh with byte 6 = 0Ch: the kernel's own sign of a conversion cut short (w1_therm.c, convert_t).
    expect(problem(encodeW1Slave(scratchpadFor(0x07ff, { afterPowerOn: true })))).toBe('out-of-range');
    expect(problem(at23.replace('t=23125', 't=23126'))).toBe('malformed');
    expect(problem(at23.replace('72 01 4b 46 7f ff 0e 10 57 : ', '72 01 4b 46 7f ff 0e 11 57 : '))).toBe('malformed');
    expect(problem(at23.replace('\n72 01 4b 46 7f ff 0e 10 57 t=', '\n72 01 4b 46 7f ff 0e 10 58 t='))).toBe('malformed');
    expect(problem(at23.slice(0, 30))).toBe('malformed');
    expect(problem(at23.replace('t=23125', 't=023125'))).toBe('malformed');
    expect(problem(encodeW1Slave(scratchpadFor(0)).replace('t=0', 't=-0'))).toBe('malformed');
    expect(problem('garbage')).toBe('malformed');
    expect(decodeW1Slave(crcNo)).toMatchObject({ detail: 'kernel reports crc=c9 NO for ff ff ff ff ff ff ff ff ff' });
  });

  it('takes the printed temperature of a DS18S20 (family 10) without the DS18B20 cross-check', () => {
    // 25 °C in half degrees, COUNT_REMAIN 2 of 16: the kernel's w1_DS18S20_convert_temp gives 25625.
    const bytes = [0x32, 0x00, 0x4b, 0x46, 0xff, 0xff, 0x02, 0x10];
    const shown = [...bytes, dallasCrc8(bytes)].map((byte) => `${byte.toString(16).padStart(2, '0')} `).join('');
    const ds18s20 = `${shown}: crc=${dallasCrc8(bytes).toString(16).padStart(2, '0')} YES\n${shown}t=25625\n`;
    expect(decodeW1Slave(ds18s20, 0x10)).toMatchObject({ ok: true, milliCelsius: 25_625 });
    expect(decodeW1Slave(ds18s20, 0x28)).toMatchObject({ ok: false, problem: 'malformed' });
  });

  it('never throws on any content (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.stringMatching(/^([0-9a-f]{2} ){9}(: crc=[0-9a-f]{2} (YES|NO)|t=-?\d{1,6})\n?$/)), (text) => {
        const outcome = decodeW1Slave(text);
        expect(typeof outcome.ok).toBe('boolean');
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('rejects a damaged read or returns the same temperature, never a wrong one (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.integer({ min: -55 * 16, max: 125 * 16 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('replace', 'delete', 'insert'), (raw, where, code, how) => {
        const text = encodeW1Slave(scratchpadFor(raw));
        const at = where % text.length;
        const char = String.fromCharCode(code);
        const damaged = how === 'replace' ? text.slice(0, at) + char + text.slice(at + 1) : how === 'delete' ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + char + text.slice(at);
        const outcome = decodeW1Slave(damaged);
        if (outcome.ok) expect(outcome.milliCelsius).toBe(milliCelsiusFromScratchpad(scratchpadFor(raw)));
        else if (raw !== 0x0550) expect(['malformed', 'crc-failure', 'no-answer']).toContain(outcome.problem);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

describe('ds18b20 driver definition', () => {
  const files = { description: 'test', readText: async () => at23, list: async () => [], space: async () => ({ freeBytes: 0, totalBytes: 0 }) };

  it('takes its interval once for the bus and a sensor id per sensor', () => {
    expect(z.strictObject(ds18b20Driver.deviceShape).parse({})).toEqual({ intervalMs: 10_000 });
    expect(z.strictObject(ds18b20Driver.sensorShape).safeParse({ sensorId: '28-0316a2795cff', intervalMs: 1000 }).success).toBe(false);
    expect(z.strictObject(ds18b20Driver.sensorShape).safeParse({ sensorId: '28-0316A2795CFF' }).success).toBe(false);
  });

  it('refuses one sensor read twice on a device, at the second one\'s sensorId', () => {
    const sensor = (index: number) => ({ name: `t${index}`, unit: 'Cel', path: `boards[2].sensors[${index}]`, options: { sensorId: '28-0316a2795cff' } });
    const device = { boardId: 'probes', path: 'boards[2]', options: { intervalMs: 10_000 }, sensors: [sensor(0), sensor(1)] };
    expect(ds18b20Driver.checkDevice?.(device)).toEqual([{ path: 'boards[2].sensors[1].sensorId', message: '28-0316a2795cff is already read by boards[2].sensors[0]' }]);
  });

  it('polls through the files its context carries, from open to close', async () => {
    const under = hostHarness(ds18b20Driver, { intervalMs: 10_000 }, [['water', 'Cel', { sensorId: '28-0316a2795cff' }]], { files, i2c: new SimulatedI2cBuses() });
    expect(under.clock.pendingTimers()).toBe(0);
    under.instance.onOpen?.();
    under.clock.advance(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(under.readings).toEqual([{ name: 'water', unit: 'Cel', value: 23.125, time: under.clock.now() }]);
    under.instance.onClose?.();
    expect(under.clock.pendingTimers()).toBe(0);
  });
});
