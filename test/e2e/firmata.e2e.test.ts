/**
 * Arduinos running StandardFirmata (their twin on serialport's mock binding) read through
 * johnny-five by the runtime, to a real broker: the thermometer within the sensor's
 * resolution, every rain-gauge tip counted. A board is one device, so a thermometer and a
 * rain gauge are two boards, each with its own twin.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { FieldNode } from '../../src/node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import type { FirmataBoard } from '../../simulators/devices/firmata-board.js';
import { firmataPulseCeilingHz } from '../../src/drivers/pulse-counter/ceiling.js';
import { Collector, waitUntil } from '../support/collector.js';
import { describeWithBinary } from '../support/binaries.js';
import { hostOnPty } from '../../simulators/host.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(() => broker.close());

it('reads the thermometer and counts every tip of the rain gauge', async () => {
  const collector = await Collector.connect(broker.url, 'fieldnode/lab/uno-node/+/data', 4);
  const node = simulatedNode(
    validateSimulated({
      dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-firmata-')),
      node: { id: 'uno-node', site: 'lab' },
      broker: { url: broker.url, protocol: '3.1.1' },
      batching: { maxReadings: 5, maxDelayMs: 100 },
      boards: [
        {
          id: 'uno',
          simulator: { device: 'firmata-board', seed: 3 },
          device: { type: 'thermometer', intervalMs: 100 },
          sensors: [{ name: 'air', unit: 'Cel', pin: 'A0', controller: 'LM35' }],
        },
        {
          id: 'rain',
          simulator: { device: 'firmata-board', seed: 3, rainGauge: { pin: 2, tipsPerHour: 18_000 } },
          device: { type: 'pulse-counter', intervalMs: 500 },
          sensors: [{ name: 'rain_total', unit: 'mm', pin: 2, field: 'total', scale: 0.2 }],
        },
      ],
    }),
  );
  await node.start();
  const thermometerBoard = node.simulatedDevice('uno') as FirmataBoard;
  const rainBoard = node.simulatedDevice('rain') as FirmataBoard;
  let tips = 0;
  const temperatures: number[] = [];
  rainBoard.onTip(() => tips++);
  await waitUntil(() => tips >= 6, 10_000, () => `${tips} tips`);
  await waitUntil(() => collector.records.some((record) => record.name === 'uno-node/uno/air'), 5000);
  rainBoard.stop(); // no more tips; the counter's last report carries every one
  thermometerBoard.stop();
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (thermometerBoard.lastTemperature !== undefined) temperatures.push(thermometerBoard.lastTemperature);
  await node.stop();
  await waitUntil(() => collector.records.some((record) => record.name === 'uno-node/rain/rain_total' && Math.abs((record.value as number) - tips * 0.2) < 1e-9), 5000, () => `rain total ${tips * 0.2}; got ${JSON.stringify(collector.records.filter((record) => record.name.endsWith('rain_total')).map((record) => record.value))}`);
  await collector.close();
  const air = collector.records.filter((record) => record.name === 'uno-node/uno/air');
  // One ADC count of an LM35 at 5 V is 0.49 °C; over these seconds the model moves only by its
  // sensor noise (σ 0.05 °C): every reading lies within a count and that noise of the model.
  expect(air.length).toBeGreaterThan(0);
  for (const record of air) expect(Math.abs((record.value as number) - temperatures[0]!)).toBeLessThan(0.75);
  const totals = collector.records.filter((record) => record.name === 'uno-node/rain/rain_total').map((record) => record.value as number);
  expect(totals).toEqual([...totals].sort((a, b) => a - b));
  expect(totals.at(-1)).toBeCloseTo(tips * 0.2, 9);
  expect(node.stats().boards['uno']!.problems).toEqual({});
  expect(node.stats().boards['rain']!.problems).toEqual({});
});

it('reads an analog input scaled to volts and a debounced digital input', async () => {
  const collector = await Collector.connect(broker.url, 'fieldnode/lab/io-node/+/data', 4);
  const node = simulatedNode(
    validateSimulated({
      dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-firmata-io-')),
      node: { id: 'io-node', site: 'lab' },
      broker: { url: broker.url, protocol: '3.1.1' },
      batching: { maxReadings: 5, maxDelayMs: 100 },
      boards: [
        {
          id: 'uno',
          simulator: { device: 'firmata-board', seed: 5 },
          device: { type: 'analog', intervalMs: 100 },
          sensors: [{ name: 'volts', unit: 'V', pin: 'A0', scale: 5 / 1023 }],
        },
        {
          id: 'gate',
          simulator: { device: 'firmata-board', seed: 5, rainGauge: { pin: 2, tipsPerHour: 18_000 } },
          device: { type: 'digital' },
          sensors: [{ name: 'switch', pin: 2, debounceMs: 20 }],
        },
      ],
    }),
  );
  await node.start();
  const analogBoard = node.simulatedDevice('uno') as FirmataBoard;
  const switchBoard = node.simulatedDevice('gate') as FirmataBoard;
  let tips = 0;
  switchBoard.onTip(() => tips++);
  await waitUntil(() => tips >= 5, 10_000);
  switchBoard.stop();
  analogBoard.stop();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await node.stop();
  await waitUntil(() => collector.records.filter((record) => record.name === 'io-node/gate/switch' && record.value === true).length >= tips, 5000);
  await collector.close();
  const switches = collector.records.filter((record) => record.name === 'io-node/gate/switch').map((record) => record.value);
  // The first report is the idle state (open switch, pulled up); then one on/off pair per tip.
  expect(switches[0]).toBe(false);
  expect(switches.filter((value) => value === true)).toHaveLength(tips);
  const volts = collector.records.filter((record) => record.name === 'io-node/uno/volts').map((record) => record.value as number);
  expect(volts.length).toBeGreaterThan(0);
  // The LM35 on A0: 10 mV per °C of the model's temperature, within one ADC count (4.9 mV).
  for (const value of volts) expect(Math.abs(value - analogBoard.lastTemperature! / 100)).toBeLessThan(0.0049 * 1.6);
});

it('counts every pulse exactly at the fastest rate Firmata reporting carries at 57600 baud', async () => {
  // 960 pulses/s: every byte the UART can move spent on digital reports.
  const hz = firmataPulseCeilingHz(57_600);
  expect(hz).toBe(960);
  const collector = await Collector.connect(broker.url, 'fieldnode/lab/loop-node/uno/data', 4);
  const node = simulatedNode(
    validateSimulated({
      dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-firmata-pulses-')),
      node: { id: 'loop-node', site: 'lab' },
      broker: { url: broker.url, protocol: '3.1.1' },
      batching: { maxReadings: 5, maxDelayMs: 100 },
      boards: [
        {
          id: 'uno',
          simulator: { device: 'firmata-board', seed: 6, pulses: { pin: 3, hz } },
          device: { type: 'pulse-counter', intervalMs: 250 },
          // Edges 0.5 ms apart are the signal here, not bounce: no debounce.
          sensors: [{ name: 'passes', pin: 3, field: 'total', debounceMs: 0 }],
        },
      ],
    }),
  );
  await node.start();
  const board = node.simulatedDevice('uno') as FirmataBoard;
  await waitUntil(() => board.pulsesReported >= 2 * hz, 15_000, () => `${board.pulsesReported} pulses`);
  board.stop();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await node.stop();
  const totals = () => collector.records.filter((record) => record.name === 'loop-node/uno/passes').map((record) => record.value as number);
  await waitUntil(() => totals().at(-1) === board.pulsesReported, 5000, () => `generated ${board.pulsesReported}; published ${JSON.stringify(totals().slice(-3))}`);
  await collector.close();
  expect(totals()).toEqual([...totals()].sort((a, b) => a - b));
  expect(node.stats().boards['uno']!.problems).toEqual({});
});

describeWithBinary('socat', 'socat', 'a Firmata board on a pty', () => {
  it('resumes its readings after an unplug and replug, without a restart', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-firmata-pty-'));
    const hostPath = join(directory, 'by-id', 'usb-Arduino_Uno-if00');
    const hosted = await hostOnPty('firmata-board', { seed: 2 }, { hostPath });
    // A real port: the node runs on the hardware catalog alone.
    const node = new FieldNode(
      validateConfig({
        dataDir: join(directory, 'data'),
        node: { id: 'pty-uno', site: 'lab' },
        broker: { url: broker.url, protocol: '3.1.1' },
        batching: { maxReadings: 2, maxDelayMs: 100 },
        boards: [{ id: 'uno', port: hostPath, device: { type: 'thermometer', intervalMs: 50 }, sensors: [{ name: 'air', unit: 'Cel', pin: 'A0' }] }],
      }),
    );
    await node.start();
    const readings = () => node.stats().boards['uno']!.readings;
    await waitUntil(() => readings() >= 5, 10_000, () => `${readings()} readings before the unplug`);
    await hosted.unplug();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = readings();
    await hosted.replug();
    const replugged = performance.now();
    await waitUntil(() => readings() >= before + 5, 10_000, () => `${readings() - before} readings after the replug`);
    console.info(`firmata replug: readings resumed ${(performance.now() - replugged).toFixed(0)} ms after the port reappeared`);
    await node.stop();
    await hosted.stop();
  });
});
