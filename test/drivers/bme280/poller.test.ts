import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../../src/core/clock.js';
import type { Reading } from '../../../src/core/reading.js';
import { createBme280Poller } from '../../../src/drivers/bme280/index.js';
import { bme280Driver } from '../../../src/drivers/bme280/index.js';
import type { Bme280DeviceOptions, Bme280SensorOptions } from '../../../src/drivers/bme280/schema.js';
import { I2cDevBuses } from '../../../src/transports/pi/i2c-dev.js';
import { I2cError } from '../../../src/transports/pi/i2c.js';
import { SimulatedBme280 } from '../../../simulators/pi/bme280.js';
import { FakePiRoot } from '../../../simulators/pi/fake-root.js';
import { SimulatedI2cBuses } from '../../../simulators/pi/i2c-bus.js';
import { waitUntil } from '../../support/collector.js';
import { hostHarness } from '../../support/driver-harness.js';
import { describeWithOptionalModule } from '../../support/optional-modules.js';

const INTERVAL_MS = 100;

function recorder() {
  const counts: Record<string, number> = {};
  const details: string[] = [];
  return { counts, details, count: (kind: string, detail?: string) => void ((counts[kind] = (counts[kind] ?? 0) + 1), details.push(`${kind}: ${detail}`)) };
}

/** Bus 1, address 0x76, polled every INTERVAL_MS, unless told otherwise. */
function chipSettings(options: Partial<Bme280DeviceOptions> = {}): Bme280DeviceOptions {
  return { bus: 1, address: 0x76, intervalMs: INTERVAL_MS, oversampling: 1, ...options };
}

function sensors(fields: Bme280SensorOptions['field'][]) {
  const units = { temperature: 'Cel', pressure: 'Pa', humidity: '%RH' } as const;
  return fields.map((field, index) => ({ name: field, unit: units[field], path: `boards[0].sensors[${index}]`, options: { field } }));
}

describe('bme280 on a simulated I2C bus', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function setUp(chip: 'bme280' | 'bmp280' = 'bme280', fields: Bme280SensorOptions['field'][] = ['temperature', 'pressure', 'humidity']) {
    const root = new FakePiRoot({ seed: 11, clock: systemClock, bme280: [{ bus: 1, address: 0x76, chip }] });
    const readings: Reading[] = [];
    const problems = recorder();
    const poller = createBme280Poller({ i2c: root.i2c(), chip: chipSettings(), clock: systemClock, problems, emit: (reading) => readings.push(reading), sensors: sensors(fields) });
    cleanups.push(() => {
      poller.stop();
      root.dispose();
    });
    return { root, readings, problems, poller };
  }

  it("reads back the model's air to the chip's resolution, all three fields from one measurement", async () => {
    const { root, readings, problems, poller } = setUp();
    const chip = root.bme280(1, 0x76);
    poller.start();
    await waitUntil(() => readings.length >= 3, 5000);
    poller.stop();
    await poller.settled();
    const truth = chip.lastAir!;
    const [temperature, pressure, humidity] = readings.slice(-3);
    expect(chip.measurements).toBe(readings.length / 3);
    expect(temperature).toMatchObject({ name: 'temperature', unit: 'Cel' });
    expect(Math.abs((temperature!.value as number) - truth.celsius)).toBeLessThanOrEqual(0.01);
    expect(Math.abs((pressure!.value as number) - truth.pascal)).toBeLessThanOrEqual(0.5);
    expect(Math.abs((humidity!.value as number) - truth.relativeHumidity)).toBeLessThanOrEqual(0.05);
    expect(new Set(readings.slice(-3).map((reading) => reading.time)).size).toBe(1);
    expect(problems.counts).toEqual({});
  });

  it('counts a chip that drops off the bus, then sets it up again when it answers', async () => {
    const { root, readings, problems, poller } = setUp();
    poller.start();
    await waitUntil(() => readings.length >= 3, 5000);
    root.inject({ kind: 'i2c-device-gone', bus: 1, address: 0x76, updates: 1000 });
    await waitUntil(() => (problems.counts['no-device'] ?? 0) >= 2, 5000);
    expect(problems.details[0]).toMatch(/no device answers at I2C bus 1 \(\/dev\/i2c-1\), address 0x76: check wiring/);
    (root.i2c() as SimulatedI2cBuses).setPresent(1, 0x76, true);
    const before = readings.length;
    await waitUntil(() => readings.length >= before + 3, 5000);
  });

  it('reads all three fields again after the chip browned out between polls', async () => {
    const { root, readings, problems, poller } = setUp();
    poller.start();
    await waitUntil(() => readings.length >= 3, 5000);
    // A power dip returns the chip to its power-on settings: humidity off until ctrl_hum is written.
    root.bme280(1, 0x76).writeRegister(0xe0, 0xb6);
    const before = readings.length;
    await waitUntil(() => readings.length >= before + 6, 5000);
    expect(readings.slice(before).filter((reading) => reading.name === 'humidity').length).toBeGreaterThanOrEqual(2);
    expect(problems.counts).toEqual({});
  });

  it('reads temperature and pressure from a BMP280 and says why it has no humidity', async () => {
    const { readings, problems, poller } = setUp('bmp280');
    poller.start();
    await waitUntil(() => (problems.counts['no-humidity'] ?? 0) >= 1 && readings.length >= 2, 5000);
    expect(readings.map((reading) => reading.name)).not.toContain('humidity');
    expect(problems.details[0]).toMatch(/is a BMP280: it measures no humidity/);
  });

  it('names a chip that is not a BME280 and a bus that does not exist', async () => {
    const buses = new SimulatedI2cBuses();
    const stranger = new SimulatedBme280({ clock: systemClock, chipId: 0x55, air: () => ({ celsius: 20, pascal: 100_000, relativeHumidity: 50 }) });
    buses.attach(1, 0x77, stranger);
    const problems = recorder();
    const readings: Reading[] = [];
    const pollers = [chipSettings({ address: 0x77 }), chipSettings({ bus: 3 })].map((settings) =>
      createBme280Poller({ i2c: buses, chip: settings, clock: systemClock, problems, emit: (reading) => readings.push(reading), sensors: sensors(['temperature']) }),
    );
    for (const poller of pollers) {
      poller.start();
      cleanups.push(() => poller.stop());
    }
    await waitUntil(() => problems.counts['wrong-chip'] !== undefined && problems.counts['no-bus'] !== undefined, 5000);
    expect(problems.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/has chip id 0x55, not a BME280 \(0x60\) or BMP280 \(0x58\): check the address/),
        expect.stringMatching(/\/dev\/i2c-3 does not exist: enable I2C .*dtparam=i2c_arm=on/),
      ]),
    );
    expect(readings).toEqual([]);
  });

  it('refuses two readers of one field of the chip', () => {
    const device = { boardId: 'air', path: 'boards[0]', options: chipSettings(), sensors: sensors(['temperature', 'pressure', 'temperature']) };
    expect(bme280Driver.checkDevice?.(device)).toEqual([{ path: 'boards[0].sensors[2].field', message: 'temperature of this chip is already read by boards[0].sensors[0]' }]);
  });

  it('takes bus, address, interval and oversampling once for the chip, and a field per sensor', () => {
    expect(z.strictObject(bme280Driver.deviceShape).parse({})).toEqual({ bus: 1, address: 0x76, intervalMs: 10_000, oversampling: 1 });
    expect(z.strictObject(bme280Driver.sensorShape).safeParse({ field: 'pressure', intervalMs: 1000 }).success).toBe(false);
  });

  it('measures through the buses its context carries, from open to close', async () => {
    let root: FakePiRoot | undefined;
    const under = hostHarness(bme280Driver, chipSettings(), [['air_pressure', 'Pa', { field: 'pressure' }]], (clock) => {
      root = new FakePiRoot({ seed: 11, clock, bme280: [{ bus: 1, address: 0x76, chip: 'bme280' }] });
      return { files: root.files(), i2c: root.i2c() };
    });
    cleanups.push(() => root!.dispose());
    /** Moves the harness's virtual time on in small steps, letting the chip's I/O run between them. */
    const run = async (ms: number) => {
      for (let elapsed = 0; elapsed < ms; elapsed += 5) {
        under.clock.advance(5);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    under.instance.onOpen?.();
    cleanups.push(() => under.instance.onClose?.());
    await run(2 * INTERVAL_MS);
    expect(under.readings.length).toBeGreaterThanOrEqual(2);
    expect(under.readings[0]).toMatchObject({ name: 'air_pressure', unit: 'Pa' });
    under.instance.onClose?.();
    await run(INTERVAL_MS);
    const measured = root!.bme280(1, 0x76).measurements;
    await run(3 * INTERVAL_MS);
    expect(root!.bme280(1, 0x76).measurements).toBe(measured);
    expect(under.clock.pendingTimers()).toBe(0);
  });
});

describeWithOptionalModule('i2c-bus', 'npm install i2c-bus', 'bme280 through the real i2c-bus library', () => {
  it('explains a missing bus through the real i2c-bus library', async () => {
    const buses = new I2cDevBuses();
    const error = await buses.bus(29).readRegisters(0x76, 0xd0, 1).catch((failure: unknown) => failure);
    await buses.close();
    expect(error).toBeInstanceOf(I2cError);
    expect(error).toMatchObject({ problem: 'no-bus', message: expect.stringMatching(/^\/dev\/i2c-29 does not exist: enable I2C/) });
  });
});
