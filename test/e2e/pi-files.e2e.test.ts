/**
 * A Raspberry Pi reading its own files (1-Wire DS18B20, thermal zone, /proc) on a simulated
 * file tree, through the whole runtime to a real broker.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import { Collector } from '../support/collector.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

const piConfig = (brokerUrl: string) => ({
  dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-pi-')),
  node: { id: 'pi-node', site: 'lab' },
  broker: { url: brokerUrl, protocol: '3.1.1' },
  batching: { maxReadings: 2, maxDelayMs: 200 },
  boards: [{ id: 'pi', transport: 'pi', piSimulator: { seed: 4, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }], bme280: [{ address: 0x77 }] } }],
  sensors: [
    { name: 'water', board: 'pi', unit: 'Cel', driver: { type: 'ds18b20', sensorId: '28-0316a2795cff', intervalMs: 1000 } },
    { name: 'cpu', board: 'pi', unit: 'Cel', driver: { type: 'gateway-health', field: 'cpu_temperature', intervalMs: 1000 } },
    { name: 'air', board: 'pi', unit: 'Cel', driver: { type: 'bme280', field: 'temperature', address: 0x77, intervalMs: 1000 } },
    { name: 'pressure', board: 'pi', unit: 'Pa', driver: { type: 'bme280', field: 'pressure', address: 0x77, intervalMs: 1000 } },
    { name: 'humidity', board: 'pi', unit: '%RH', driver: { type: 'bme280', field: 'humidity', address: 0x77, intervalMs: 1000 } },
  ],
});

describe('a pi board of files', () => {
  it('publishes the DS18B20, the BME280 on I2C and the gateway health from the simulated Pi', async () => {
    const collector = await Collector.connect(broker.url, 'fieldnode/lab/pi-node/pi/data', 4);
    const node = new FieldNode(validateConfig(piConfig(broker.url)));
    await node.start();
    const records = await collector.waitForRecords(10, 15_000);
    await node.stop();
    await collector.close();
    const water = records.filter((record) => record.name === 'pi-node/pi/water');
    const cpu = records.filter((record) => record.name === 'pi-node/pi/cpu');
    expect(water.length).toBeGreaterThan(0);
    expect(cpu.length).toBeGreaterThan(0);
    // The DS18B20's 1/16 °C steps, as the kernel prints them in whole m°C; a CPU warmer than the air.
    for (const record of water) expect(Math.abs((record.value as number) * 16 - Math.round((record.value as number) * 16))).toBeLessThanOrEqual(0.016 + 1e-9);
    for (const record of cpu) expect(record.value as number).toBeGreaterThan(20);
    expect(water[0]!.unit).toBe('Cel');
    const air = (name: string) => records.filter((record) => record.name === `pi-node/pi/${name}`).map((record) => record.value as number);
    expect(air('air').length).toBeGreaterThan(0);
    // The weather model's air, through the BME280's registers: plausible outdoor values at 0.01 °C.
    for (const celsius of air('air')) expect(Math.abs(celsius * 100 - Math.round(celsius * 100))).toBeLessThan(1e-6);
    for (const pascal of air('pressure')) expect(pascal).toBeGreaterThan(95_000);
    for (const humidity of air('humidity')) expect(humidity).toBeGreaterThan(5);
    expect(records.find((record) => record.name === 'pi-node/pi/humidity')?.unit).toBe('%RH');
    expect(node.stats().boards['pi']!.problems).toEqual({});
  });

  it('refuses file drivers on serial boards and serial drivers on pi boards', () => {
    const config = piConfig(broker.url);
    const bad = {
      ...config,
      boards: [...config.boards, { id: 'uno', port: '/dev/ttyACM0' }],
      sensors: [
        ...config.sensors,
        { name: 'box', board: 'uno', unit: 'Cel', driver: { type: 'ds18b20', sensorId: '28-0316a2795cff' } },
        { name: 't', board: 'pi', unit: 'Cel', driver: { type: 'lines', key: 't' } },
      ],
    };
    let problems: string[] = [];
    try {
      validateConfig(bad);
    } catch (error) {
      problems = (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        `sensors[${config.sensors.length}].driver.type: ds18b20 reads from pi boards; board "uno" is serial`,
        `sensors[${config.sensors.length + 1}].driver.type: lines reads from serial boards; board "pi" is pi`,
      ]),
    );
  });
});
