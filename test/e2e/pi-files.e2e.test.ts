/**
 * A Raspberry Pi reading its own files (1-Wire DS18B20, thermal zone, /proc) and I2C on a
 * simulated file tree, through the whole runtime to a real broker. A board is one device, so
 * each host device is a board of its own on the same simulated Pi.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { airCelsius } from '../../simulators/pi/models.js';
import { Collector } from '../support/collector.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

/** A Pi of one seed, as each of its host boards simulates it: the boards read the same modelled Pi. */
const piSimulator = { seed: 4, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }], bme280: [{ address: 0x77 }] };

/** The Pi's host devices, one board each: the 1-Wire thermometer, the gateway itself and the BME280 on I2C. */
const piConfig = (brokerUrl: string) => ({
  dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-pi-')),
  node: { id: 'pi-node', site: 'lab' },
  broker: { url: brokerUrl, protocol: '3.1.1' },
  batching: { maxReadings: 2, maxDelayMs: 200 },
  boards: [
    { id: 'pi', piSimulator, device: { type: 'ds18b20', intervalMs: 1000 }, sensors: [{ name: 'water', unit: 'Cel', sensorId: '28-0316a2795cff' }] },
    { id: 'health', piSimulator, device: { type: 'gateway-health', intervalMs: 1000 }, sensors: [{ name: 'cpu', unit: 'Cel', field: 'cpu_temperature' }] },
    {
      id: 'weather',
      piSimulator,
      device: { type: 'bme280', address: 0x77, intervalMs: 1000 },
      sensors: [
        { name: 'air', unit: 'Cel', field: 'temperature' },
        { name: 'pressure', unit: 'Pa', field: 'pressure' },
        { name: 'humidity', unit: '%RH', field: 'humidity' },
      ],
    },
  ] as Record<string, unknown>[],
});

describe("boards of the Pi's own files", () => {
  it('publishes the DS18B20, the BME280 on I2C and the gateway health from the simulated Pi', async () => {
    const collector = await Collector.connect(broker.url, 'fieldnode/lab/pi-node/+/data', 4);
    const node = simulatedNode(validateSimulated(piConfig(broker.url)));
    await node.start();
    const records = await collector.waitForRecords(10, 15_000);
    await node.stop();
    await collector.close();
    const water = records.filter((record) => record.name === 'pi-node/pi/water');
    const cpu = records.filter((record) => record.name === 'pi-node/health/cpu');
    expect(water.length).toBeGreaterThan(0);
    expect(cpu.length).toBeGreaterThan(0);
    // The DS18B20's 1/16 °C steps, as the kernel prints them in whole m°C; a CPU well above the
    // air of the hour (a winter night's air leaves a fixed threshold such as 20 °C behind).
    for (const record of water) expect(Math.abs((record.value as number) * 16 - Math.round((record.value as number) * 16))).toBeLessThanOrEqual(0.016 + 1e-9);
    for (const record of cpu) expect(record.value as number).toBeGreaterThan(airCelsius(Date.now()) + 10);
    expect(water[0]!.unit).toBe('Cel');
    const air = (name: string) => records.filter((record) => record.name === `pi-node/weather/${name}`).map((record) => record.value as number);
    expect(air('air').length).toBeGreaterThan(0);
    // The weather model's air, through the BME280's registers: plausible outdoor values at 0.01 °C.
    for (const celsius of air('air')) expect(Math.abs(celsius * 100 - Math.round(celsius * 100))).toBeLessThan(1e-6);
    for (const pascal of air('pressure')) expect(pascal).toBeGreaterThan(95_000);
    for (const humidity of air('humidity')) expect(humidity).toBeGreaterThan(5);
    expect(records.find((record) => record.name === 'pi-node/weather/humidity')?.unit).toBe('%RH');
    for (const board of ['pi', 'health', 'weather']) expect(node.stats().boards[board]!.problems, board).toEqual({});
  });

  it("refuses a file device on a serial port and a serial device on the Pi's files", () => {
    const config = piConfig(broker.url);
    const bad = {
      ...config,
      boards: [
        ...config.boards,
        { id: 'uno', port: '/dev/ttyACM0', device: { type: 'ds18b20' }, sensors: [{ name: 'box', unit: 'Cel', sensorId: '28-0316a2795cff' }] },
        { id: 'lines', piSimulator, device: { type: 'lines' }, sensors: [{ name: 't', unit: 'Cel', key: 't' }] },
      ],
    };
    let problems: string[] = [];
    try {
      validateSimulated(bad);
    } catch (error) {
      problems = (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        `boards[${config.boards.length}].port: ds18b20 reads the gateway's own files and buses: no port`,
        `boards[${config.boards.length + 1}].piSimulator: lines talks over a serial port: piSimulator is for the Pi's own files and header`,
      ]),
    );
  });
});
