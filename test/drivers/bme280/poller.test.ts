import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import type { Reading } from '../../../src/core/reading.js';
import { createBme280Poller } from '../../../src/drivers/bme280/index.js';
import { bme280Driver } from '../../../src/drivers/bme280/index.js';
import type { Bme280Options } from '../../../src/drivers/bme280/schema.js';
import { I2cDevBuses } from '../../../src/transports/pi/i2c-dev.js';
import { I2cError } from '../../../src/transports/pi/i2c.js';
import { SimulatedBme280 } from '../../../simulators/pi/bme280.js';
import { FakePiRoot } from '../../../simulators/pi/fake-root.js';
import { SimulatedI2cBuses } from '../../../simulators/pi/i2c-bus.js';
import { waitUntil } from '../../support/collector.js';
import { describeWithOptionalModule } from '../../support/optional-modules.js';

const INTERVAL_MS = 100;

function recorder() {
  const counts: Record<string, number> = {};
  const details: string[] = [];
  return { counts, details, count: (kind: string, detail?: string) => void ((counts[kind] = (counts[kind] ?? 0) + 1), details.push(`${kind}: ${detail}`)) };
}

function sensors(fields: Bme280Options['field'][], options: Partial<Bme280Options> = {}) {
  const units = { temperature: 'Cel', pressure: 'Pa', humidity: '%RH' } as const;
  return fields.map((field, index) => ({ name: field, unit: units[field], path: `sensors[${index}]`, options: { field, bus: 1, address: 0x76, intervalMs: INTERVAL_MS, oversampling: 1, ...options } as Bme280Options }));
}

describe('bme280 on a simulated I2C bus', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function setUp(chip: 'bme280' | 'bmp280' = 'bme280', fields: Bme280Options['field'][] = ['temperature', 'pressure', 'humidity']) {
    const root = new FakePiRoot({ seed: 11, clock: systemClock, bme280: [{ bus: 1, address: 0x76, chip }] });
    const readings: Reading[] = [];
    const problems = recorder();
    const poller = createBme280Poller({ i2c: root.i2c(), clock: systemClock, problems, emit: (reading) => readings.push(reading), sensors: sensors(fields) });
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
    const poller = createBme280Poller({
      i2c: buses,
      clock: systemClock,
      problems,
      emit: (reading) => readings.push(reading),
      sensors: [...sensors(['temperature'], { address: 0x77 }), ...sensors(['pressure'], { bus: 3 })],
    });
    poller.start();
    cleanups.push(() => poller.stop());
    await waitUntil(() => problems.counts['wrong-chip'] !== undefined && problems.counts['no-bus'] !== undefined, 5000);
    expect(problems.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/has chip id 0x55, not a BME280 \(0x60\) or BMP280 \(0x58\): check the address/),
        expect.stringMatching(/\/dev\/i2c-3 does not exist: enable I2C .*dtparam=i2c_arm=on/),
      ]),
    );
    expect(readings).toEqual([]);
  });

  it('refuses two readers of one field and fields of one chip that disagree on timing', () => {
    const bindings = sensors(['temperature', 'temperature', 'pressure']);
    const problems = bme280Driver.checkBoard!([bindings[0]!, bindings[1]!, { ...bindings[2]!, options: { ...bindings[2]!.options, intervalMs: 5000 } }]);
    expect(problems).toEqual([
      { path: 'sensors[1].driver.field', message: 'temperature of this chip is already read by sensors[0]' },
      { path: 'sensors[2].driver.intervalMs', message: 'fields of one chip share intervalMs: sensors[0] has 100' },
    ]);
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
