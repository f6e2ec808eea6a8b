import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ProblemCounter } from '../../../src/core/problems.js';
import type { Reading } from '../../../src/core/reading.js';
import { ds18b20Driver } from '../../../src/drivers/ds18b20/index.js';
import { gatewayHealthDriver } from '../../../src/drivers/gateway-health/index.js';
import { PiFilesTransport } from '../../../src/transports/pi/files-transport.js';
import { SysfsRoot } from '../../../src/transports/pi/sysfs.js';
import { FakePiRoot } from '../../../simulators/pi/fake-root.js';
import { SimulatedI2cBuses } from '../../../simulators/pi/i2c-bus.js';

describe('a board of files, wired as a node would wire it', () => {
  const roots: FakePiRoot[] = [];
  afterEach(() => roots.splice(0).forEach((root) => root.dispose()));

  it('opens, lets its drivers poll the simulated Pi while open, and stops everything', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 15, 9));
    const root = new FakePiRoot({ seed: 11, clock, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }] });
    roots.push(root);
    const transport = new PiFilesTransport({ files: root.files(), i2c: root.i2c(), companion: { start: async () => root.start(), stop: async () => root.stop() } });
    const problems = new ProblemCounter(silentLogger, clock);
    const readings: Reading[] = [];
    const context = { clock, logger: silentLogger, problems, emit: (reading: Reading) => void readings.push(reading), write: (data: Buffer) => transport.write(data), files: transport.files, i2c: transport.i2c };
    const drivers = [
      ds18b20Driver.create([{ name: 'water', unit: 'Cel', path: 'sensors[0]', options: { sensorId: '28-0316a2795cff', intervalMs: 10_000 } }], context),
      gatewayHealthDriver.create([{ name: 'cpu', unit: 'Cel', path: 'sensors[1]', options: { field: 'cpu_temperature', intervalMs: 10_000 } }], context),
    ];
    const states: string[] = [];
    transport.onStatus((state) => {
      states.push(state);
      for (const driver of drivers) {
        if (state === 'open') driver.onOpen?.();
        else driver.onClose?.();
      }
    });
    await transport.start();
    clock.advance(0);
    // The driver instances keep their pollers to themselves: wait for the two reads to land.
    for (let waited = 0; readings.length < 2 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(Object.fromEntries(readings.map((reading) => [reading.name, reading.value]))).toEqual({
      water: root.ds18b20Truth('28-0316a2795cff').milliCelsius! / 1000,
      cpu: root.healthTruth().cpuCelsius,
    });
    await expect(transport.write(Buffer.from('x'))).rejects.toThrow('takes no writes');
    await transport.stop();
    await transport.stop();
    expect(states).toEqual(['open', 'closed']);
    expect(clock.pendingTimers()).toBe(0);
    expect(problems.snapshot()).toEqual({});
  });

  it('refuses to open on a root that is not there', async () => {
    const transport = new PiFilesTransport({ files: new SysfsRoot('/nonexistent-fieldnode-root'), i2c: new SimulatedI2cBuses() });
    await expect(transport.start()).rejects.toThrow("cannot read files under /nonexistent-fieldnode-root: check the board's root directory");
  });
});
