/**
 * A board's sensors through their filters, on a serial twin and virtual time: the readings that
 * leave the board are the filtered ones, a sensor without filters is untouched, the driver
 * never sees `filters` among its sensor options, a silent sensor is counted on the board, and
 * every start begins fresh chains that its stop disposes of.
 */
import { describe, expect, it } from 'vitest';
import { BoardRuntime } from '../../src/boards/board-runtime.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { VirtualClock } from '../../src/core/clock.js';
import { CorrectedClock } from '../../src/core/corrected-clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Reading } from '../../src/core/reading.js';
import type { DeviceBinding, DriverContext, DriverDefinition } from '../../src/drivers/driver.js';
import { createSimulation } from '../../simulators/simulation.js';
import { validateSimulated } from '../support/simulated-node.js';

/** The catalog with the sds011 driver recording the sensor bindings it is created with. */
function recordingCatalog(base: Catalog, bindings: DeviceBinding<unknown, unknown>[]): Catalog {
  const driver = base.drivers['sds011']!;
  const recording = { ...driver, create: (device: DeviceBinding<unknown, unknown>, context: DriverContext) => (bindings.push(device), driver.create(device as never, context as never)) } as DriverDefinition;
  return { ...base, drivers: { ...base.drivers, sds011: recording } };
}

describe('a board with filters', () => {
  it('sends what the filters let through, counts a silent sensor, and starts fresh chains each run', async () => {
    const board = validateSimulated({
      node: { id: 'n', site: 's' },
      broker: { url: 'mqtt://127.0.0.1:1' },
      boards: [
        {
          id: 'air',
          simulator: { device: 'sds011', seed: 3, intervalMs: 1000 },
          device: { type: 'sds011' },
          sensors: [
            { name: 'pm10', unit: 'ug/m3', field: 'pm10' },
            { name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5', filters: [{ timeout: { afterMs: 5000 } }, { multiply: 1000 }, { aggregate: { intervalMs: 10_000, send: ['max'] } }] },
          ],
        },
      ],
    }).boards[0]!;
    const clock = new VirtualClock(Date.UTC(2026, 3, 1));
    const simulation = createSimulation();
    const bindings: DeviceBinding<unknown, unknown>[] = [];
    const sent: Reading[] = [];
    const runtime = new BoardRuntime({
      board,
      index: 0,
      catalog: recordingCatalog(simulation.catalog, bindings),
      clock: new CorrectedClock(clock, silentLogger),
      logger: silentLogger,
      batching: { maxReadings: 1, maxDelayMs: 100 },
      onBatch: (readings) => sent.push(...readings),
    });
    expect(bindings[0]!.sensors.map((sensor) => sensor.options)).toEqual([{ field: 'pm10' }, { field: 'pm2_5' }]);

    for (let run = 1; run <= 2; run++) {
      sent.length = 0;
      await runtime.start();
      for (let second = 0; second < 25; second++) {
        clock.advance(1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const pm10 = sent.filter((reading) => reading.name === 'pm10');
      expect(pm10.length, `run ${run}`).toBeGreaterThanOrEqual(23);
      // A window opens with the first reading, ten seconds each: two closed within the run, their max in µg/m³ times 1000.
      const maxima = sent.filter((reading) => reading.name === 'pm2_5_max');
      expect(maxima, `run ${run}`).toHaveLength(2);
      for (const reading of maxima) expect(reading.value as number).toBeGreaterThan(1000);
      expect(sent.some((reading) => reading.name === 'pm2_5')).toBe(false);
      // The twin falls silent: the timeout counts it once on the board.
      (simulation.device('air') as unknown as { faults: { silent: boolean } }).faults.silent = true;
      clock.advance(10_000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(runtime.problems.total('sensor-silent')).toBe(run);
      (simulation.device('air') as unknown as { faults: { silent: boolean } }).faults.silent = false;
      await runtime.stop();
      expect(clock.pendingTimers(), `timers after stop ${run}`).toBe(0);
    }
  });
});
