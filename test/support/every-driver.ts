/**
 * A node with a board for every built-in driver, each on its twin, run on virtual time through
 * the board runtime (drivers, batcher) without a broker: the readings of each batch, as the
 * node would encode them into one pack. For the exact-number tests and the pack-size figures.
 */
import { BoardRuntime } from '../../src/boards/board-runtime.js';
import { VirtualClock } from '../../src/core/clock.js';
import { CorrectedClock } from '../../src/core/corrected-clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Reading } from '../../src/core/reading.js';
import { createSimulation } from '../../simulators/simulation.js';
import { waitUntil } from './collector.js';
import { validateSimulated } from './simulated-node.js';

const piSimulator = { seed: 4, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }], bme280: [{ address: 0x77 }], gpio: [{ line: 17, device: 'pir', meanIntervalMs: 400 }] };

/** A board per driver, each on its twin; some sensors leave the unit to the driver. */
export const everyDriverBoards: Record<string, unknown>[] = [
  { id: 'weather', simulator: { device: 'weather-station', seed: 2, intervalMs: 1000 }, device: { type: 'lines' }, sensors: [{ name: 't', unit: 'Cel', key: 't' }, { name: 'h', unit: '%RH', key: 'h' }, { name: 'p', unit: 'hPa', key: 'p', scale: 0.01 }, { name: 'r', unit: 'mm', key: 'r' }] },
  { id: 'sds', simulator: { device: 'sds011', seed: 2 }, device: { type: 'sds011' }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }, { name: 'pm10', unit: 'ug/m3', field: 'pm10' }] },
  { id: 'pms', simulator: { device: 'pms5003', seed: 2 }, device: { type: 'pms5003' }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }, { name: 'particles', unit: 'count', field: 'particles_0_3um' }] },
  { id: 'sonar', simulator: { device: 'maxbotix', seed: 2 }, device: { type: 'maxbotix', mountHeightMm: 4000 }, sensors: [{ name: 'range', unit: 'mm', field: 'range' }, { name: 'level', unit: 'm', field: 'level' }] },
  { id: 'gps', simulator: { device: 'nmea-gps', seed: 2 }, device: { type: 'nmea-gps' }, sensors: [{ name: 'lat', unit: 'lat', field: 'latitude' }, { name: 'lon', unit: 'lon', field: 'longitude' }, { name: 'alt', unit: 'm', field: 'altitude' }, { name: 'speed', unit: 'm/s', field: 'speed' }] },
  { id: 'co2', simulator: { device: 'mhz19', seed: 2 }, device: { type: 'mhz19', intervalMs: 2000 }, sensors: [{ name: 'co2', unit: 'ppm' }] },
  {
    id: 'probe',
    simulator: { device: 'modbus-rtu', seed: 2, slaves: [1] },
    device: { type: 'modbus-rtu', intervalMs: 2000, timeoutMs: 500 },
    sensors: [
      { name: 'level', unit: 'm', slave: 1, function: 4, register: 0, dataType: 'float32' },
      { name: 'water', unit: 'Cel', slave: 1, function: 4, register: 2, dataType: 'int16', scale: 0.01 },
      { name: 'conductivity', unit: 'S/m', slave: 1, function: 4, register: 3, dataType: 'uint32', wordOrder: 'little', scale: 0.00001 },
      { name: 'battery', unit: 'V', slave: 1, function: 4, register: 5, dataType: 'uint16', scale: 0.001 },
    ],
  },
  { id: 'pi', piSimulator, device: { type: 'ds18b20', intervalMs: 1000 }, sensors: [{ name: 'water', unit: 'Cel', sensorId: '28-0316a2795cff' }] },
  { id: 'air', piSimulator, device: { type: 'bme280', address: 0x77, intervalMs: 1000 }, sensors: [{ name: 't', unit: 'Cel', field: 'temperature' }, { name: 'p', unit: 'Pa', field: 'pressure' }, { name: 'h', unit: '%RH', field: 'humidity' }] },
  { id: 'health', piSimulator, device: { type: 'gateway-health', intervalMs: 1000 }, sensors: [{ name: 'cpu', unit: 'Cel', field: 'cpu_temperature' }, { name: 'memory', unit: '/', field: 'memory_used_ratio' }, { name: 'load', field: 'load1' }] },
  { id: 'gpio', gpio: { pollIntervalMs: 2 }, piSimulator, device: { type: 'digital' }, sensors: [{ name: 'motion', pin: 17, pullup: false, activeLow: false, debounceMs: 0 }] },
  // The thermometer's sensor has no unit: the driver's own (Cel) must be a registered one.
  { id: 'uno', simulator: { device: 'firmata-board', seed: 3 }, device: { type: 'thermometer', intervalMs: 100 }, sensors: [{ name: 'air', pin: 'A0', controller: 'LM35' }] },
  { id: 'nano', simulator: { device: 'firmata-board', seed: 3 }, device: { type: 'analog', intervalMs: 100 }, sensors: [{ name: 'volts', unit: 'V', pin: 'A1', scale: 0.0048828125 }] },
  { id: 'rain', simulator: { device: 'firmata-board', seed: 3, rainGauge: { pin: 2, tipsPerHour: 36_000 } }, device: { type: 'pulse-counter', intervalMs: 500 }, sensors: [{ name: 'total', unit: 'mm', pin: 2, field: 'total', scale: 0.2794 }] },
];

export interface Batch {
  readonly board: string;
  readonly readings: Reading[];
}

/** Runs every driver's board until each has produced `minReadings`; the batches in the order they were made. */
export async function runEveryDriver(minReadings: number, maxReadingsPerPack = 20): Promise<Batch[]> {
  const config = validateSimulated({ node: { id: 'mixed', site: 'lab' }, broker: { url: 'mqtt://127.0.0.1:1' }, boards: everyDriverBoards });
  const simulation = createSimulation();
  const clock = new VirtualClock(Date.UTC(2026, 5, 1, 12));
  const batches: Batch[] = [];
  const runtimes = config.boards.map(
    (board, index) =>
      new BoardRuntime({
        board,
        index,
        catalog: simulation.catalog,
        clock: new CorrectedClock(clock, silentLogger),
        logger: silentLogger,
        batching: { maxReadings: maxReadingsPerPack, maxDelayMs: 5000 },
        onBatch: (readings) => batches.push({ board: board.id, readings }),
      }),
  );
  for (const runtime of runtimes) await runtime.start();
  const readingsOf = (board: string) => batches.filter((batch) => batch.board === board).reduce((sum, batch) => sum + batch.readings.length, 0);
  try {
    await waitUntil(
      () => {
        clock.advance(250);
        return config.boards.every((board) => readingsOf(board.id) >= minReadings);
      },
      60_000,
      () => config.boards.map((board) => `${board.id}: ${readingsOf(board.id)}`).join(', '),
    );
  } finally {
    for (const runtime of runtimes) await runtime.stop();
  }
  return batches;
}
