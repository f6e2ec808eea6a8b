import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  isSlowedDown,
  memoryUsedPercent,
  parseAlarm,
  parseLoadAverage,
  parseMemoryInfo,
  parseThermalZone,
  parseThrottled,
  parseUptime,
  throttleFlags,
} from '../../../src/drivers/gateway-health/decode.js';
import { gatewayHealthDriver } from '../../../src/drivers/gateway-health/index.js';
import { SimulatedI2cBuses } from '../../../simulators/pi/i2c-bus.js';
import { hostHarness } from '../../support/driver-harness.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../frame-properties.js';

/** The start of /proc/meminfo on a 4 GB Pi 4 running 64-bit Raspberry Pi OS. */
const piMeminfo = 'MemTotal:        3884376 kB\nMemFree:         2521104 kB\nMemAvailable:    3185356 kB\nBuffers:           61432 kB\nCached:           712908 kB\nActive(anon):     201336 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n';

describe('gateway-health parsers', () => {
  it('parse the files of a Pi', () => {
    expect(parseThermalZone('47712\n')).toEqual({ ok: true, value: 47.712 });
    expect(parseThermalZone('-5250\n')).toEqual({ ok: true, value: -5.25 });
    expect(parseLoadAverage('0.52 0.58 0.59 1/389 12345\n')).toEqual({ ok: true, value: { load1: 0.52, load5: 0.58, load15: 0.59 } });
    expect(parseUptime('350735.47 234388.90\n')).toEqual({ ok: true, value: 350735.47 });
    expect(parseMemoryInfo(piMeminfo)).toEqual({ ok: true, value: { totalBytes: 3884376 * 1024, availableBytes: 3185356 * 1024 } });
    expect(parseAlarm('1\n')).toEqual({ ok: true, value: true });
    expect(parseAlarm('0\n')).toEqual({ ok: true, value: false });
  });

  it('parse this machine\'s own /proc files', () => {
    expect(parseLoadAverage(readFileSync('/proc/loadavg', 'utf8')).ok).toBe(true);
    expect(parseUptime(readFileSync('/proc/uptime', 'utf8')).ok).toBe(true);
    const memory = parseMemoryInfo(readFileSync('/proc/meminfo', 'utf8'));
    expect(memory.ok && memory.value.availableBytes <= memory.value.totalBytes).toBe(true);
  });

  it('split the firmware throttling word as vcgencmd documents it', () => {
    // 0x50005: under-voltage and throttled now, both since boot too (the usual weak power supply).
    const weakSupply = parseThrottled('50005\n');
    expect(weakSupply).toEqual({ ok: true, value: { underVoltage: true, frequencyCapped: false, throttled: true, softTemperatureLimit: false, underVoltageSinceBoot: true, throttledSinceBoot: true } });
    expect(weakSupply.ok && isSlowedDown(weakSupply.value)).toBe(true);
    // 0x50000: it happened since boot, but all is well now.
    const recovered = throttleFlags(0x50000);
    expect([recovered.underVoltage, recovered.underVoltageSinceBoot, isSlowedDown(recovered)]).toEqual([false, true, false]);
    expect(parseThrottled('0\n')).toMatchObject({ ok: true, value: { underVoltage: false, throttled: false } });
  });

  it('give the memory in use to 0.1 %', () => {
    expect(memoryUsedPercent({ totalBytes: 3884376 * 1024, availableBytes: 3185356 * 1024 })).toBe(18);
    expect(memoryUsedPercent({ totalBytes: 1000, availableBytes: 333 })).toBe(66.7);
  });

  it('reject what the kernel would not write', () => {
    for (const [parser, text] of [
      [parseThermalZone, 'abc\n'],
      [parseThermalZone, '47712\n47712\n'],
      [parseThermalZone, '900000\n'],
      [parseLoadAverage, '0.52 0.58\n'],
      [parseUptime, '12.3\n'],
      [parseMemoryInfo, 'MemTotal: 1000 kB\n'],
      [parseMemoryInfo, 'MemTotal: 1000 kB\nMemAvailable: 2000 kB\n'],
      [parseThrottled, '0x50005\n'],
      [parseAlarm, '2\n'],
    ] as [(text: string) => { ok: boolean }, string][]) {
      expect(parser(text).ok, text).toBe(false);
    }
    expect(parseMemoryInfo('MemTotal: 1000 kB\n')).toMatchObject({ reason: expect.stringContaining('no MemAvailable') });
  });

  it('never throw, and accept only sane values, on any content (property)', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    const real = ['47712\n', '0.52 0.58 0.59 1/389 12345\n', '350735.47 234388.90\n', piMeminfo, '50005\n', '1\n'];
    const damaged = fc.tuple(fc.constantFrom(...real), fc.nat(), fc.string({ unit: 'binary', maxLength: 3 }), fc.nat({ max: 3 })).map(([text, at, insert, cut]) => {
      const where = at % (text.length + 1);
      return text.slice(0, where) + insert + text.slice(where + cut);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), damaged), (text) => {
        const temperature = parseThermalZone(text);
        if (temperature.ok) expect(Math.abs(temperature.value)).toBeLessThanOrEqual(273);
        const load = parseLoadAverage(text);
        if (load.ok) expect(Number.isFinite(load.value.load1 + load.value.load5 + load.value.load15)).toBe(true);
        const memory = parseMemoryInfo(text);
        if (memory.ok) expect(memoryUsedPercent(memory.value)).toBeGreaterThanOrEqual(0);
        const uptime = parseUptime(text);
        if (uptime.ok) expect(uptime.value).toBeGreaterThanOrEqual(0);
        parseThrottled(text);
        parseAlarm(text);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

describe('gateway-health driver definition', () => {
  const sensor = z.strictObject(gatewayHealthDriver.sensorShape).superRefine((value, ctx) => gatewayHealthDriver.refineSensor?.(value, ctx));

  it('takes path for disk_free only', () => {
    expect(sensor.safeParse({ field: 'disk_free', path: '/var/lib/fieldnode' }).success).toBe(true);
    expect(sensor.safeParse({ field: 'load1', path: '/var' }).error?.issues.map((issue) => issue.message)).toEqual(['path applies to disk_free only, not load1']);
    expect(sensor.parse({ field: 'load1' })).toEqual({ field: 'load1' });
  });

  it('reads every value at the interval of its device', () => {
    expect(z.strictObject(gatewayHealthDriver.deviceShape).parse({})).toEqual({ intervalMs: 60_000 });
    expect(sensor.safeParse({ field: 'load1', intervalMs: 5000 }).success).toBe(false);
  });

  it('polls the files its context carries from open to close, every value of the device at each poll', async () => {
    const files = {
      description: 'test',
      readText: async (path: string) => (path === '/proc/loadavg' ? '0.52 0.58 0.59 1/389 12345\n' : '350735.47 234388.90\n'),
      list: async () => [],
      space: async () => ({ freeBytes: 0, totalBytes: 0 }),
    };
    const under = hostHarness(gatewayHealthDriver, { intervalMs: 60_000 }, [['load', undefined, { field: 'load1' }], ['up', 's', { field: 'uptime' }]], { files, i2c: new SimulatedI2cBuses() });
    under.instance.onOpen?.();
    for (let poll = 0; poll < 2; poll++) {
      under.clock.advance(poll === 0 ? 0 : 60_000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(under.readings.map((reading) => [reading.name, reading.value, reading.time - under.readings[0]!.time])).toEqual([
      ['load', 0.52, 0],
      ['up', 350735.47, 0],
      ['load', 0.52, 60_000],
      ['up', 350735.47, 60_000],
    ]);
    under.instance.onClose?.();
    expect(under.clock.pendingTimers()).toBe(0);
  });
});
