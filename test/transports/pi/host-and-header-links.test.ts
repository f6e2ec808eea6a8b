import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ProblemCounter } from '../../../src/core/problems.js';
import type { Reading } from '../../../src/core/reading.js';
import type { DriverInstance } from '../../../src/drivers/driver.js';
import { digitalDriver } from '../../../src/drivers/digital/index.js';
import { ds18b20Driver } from '../../../src/drivers/ds18b20/index.js';
import { gatewayHealthDriver } from '../../../src/drivers/gateway-health/index.js';
import type { LinkState } from '../../../src/transports/link.js';
import { PiHeaderLink } from '../../../src/transports/pi/header-link.js';
import { PiHostLink } from '../../../src/transports/pi/host-link.js';
import { SysfsRoot } from '../../../src/transports/pi/sysfs.js';
import { FakePiRoot } from '../../../simulators/pi/fake-root.js';
import { SimulatedGpioChip } from '../../../simulators/pi/gpio-chip.js';
import { SimulatedI2cBuses } from '../../../simulators/pi/i2c-bus.js';
import { waitUntil } from '../../support/collector.js';

/** The simulated Pi as a board's link sees it: it moves while the link is open and is deleted when it closes. */
function piParts(root: FakePiRoot) {
  return { files: root.files(), i2c: root.i2c(), gpio: root.gpio(), companion: { start: async () => root.start(), stop: async () => root.dispose() } };
}

/** Tells the drivers of a board when its link opens and closes, as the board runtime does. */
function followLink(link: { onStatus(listener: (state: LinkState) => void): () => void }, drivers: readonly DriverInstance[], states: string[]): () => void {
  return link.onStatus((state) => {
    states.push(state);
    for (const driver of drivers) {
      if (state === 'open') driver.onOpen?.();
      else driver.onClose?.();
    }
  });
}

describe("the Pi's files as a host link, wired as a board would wire it", () => {
  const roots: FakePiRoot[] = [];
  afterEach(() => roots.splice(0).forEach((root) => root.dispose()));

  it('opens, lets its drivers poll the simulated Pi while open, and stops everything', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 15, 9));
    const root = new FakePiRoot({ seed: 11, clock, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }] });
    roots.push(root);
    const link = new PiHostLink(piParts(root));
    const problems = new ProblemCounter(silentLogger, clock);
    const readings: Reading[] = [];
    const context = { clock, logger: silentLogger, problems, emit: (reading: Reading) => void readings.push(reading), offerTime: () => undefined, files: link.files, i2c: link.i2c };
    const drivers = [
      ds18b20Driver.create({ boardId: 'water', path: 'boards[0]', options: { intervalMs: 10_000 }, sensors: [{ name: 'water', unit: 'Cel', path: 'boards[0].sensors[0]', options: { sensorId: '28-0316a2795cff' } }] }, context),
      gatewayHealthDriver.create({ boardId: 'health', path: 'boards[1]', options: { intervalMs: 10_000 }, sensors: [{ name: 'cpu', unit: 'Cel', path: 'boards[1].sensors[0]', options: { field: 'cpu_temperature' } }] }, context),
    ];
    const states: string[] = [];
    const unsubscribe = followLink(link, drivers, states);
    await link.start();
    clock.advance(0);
    // The driver instances keep their pollers to themselves: wait for the two reads to land.
    await waitUntil(() => readings.length >= 2, 5000);
    expect(Object.fromEntries(readings.map((reading) => [reading.name, reading.value]))).toEqual({
      water: root.ds18b20Truth('28-0316a2795cff').milliCelsius! / 1000,
      cpu: root.healthTruth().cpuCelsius,
    });
    // A host link carries no bytes: nothing on it could take a write.
    expect('write' in link).toBe(false);
    await link.stop();
    await link.stop();
    unsubscribe();
    expect(states).toEqual(['open', 'closed']);
    expect(clock.pendingTimers()).toBe(0);
    expect(problems.snapshot()).toEqual({});
  });

  it('lays the simulated Pi out again when opened after a close, and calls only the listeners still subscribed', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 15, 9));
    const root = new FakePiRoot({ seed: 12, clock, ds18b20: [{ id: '28-0316a2795cff', site: 'river' }] });
    roots.push(root);
    const link = new PiHostLink(piParts(root));
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = link.onStatus((state) => first.push(state));
    await link.start();
    await link.stop();
    stopFirst();
    await expect(link.files.readText('/proc/uptime')).rejects.toThrow();
    const stopSecond = link.onStatus((state) => second.push(state));
    await link.start();
    expect(await link.files.readText('/proc/uptime')).toMatch(/^\d+\.\d+ \d+\.\d+\n?$/);
    await link.stop();
    stopSecond();
    expect(first).toEqual(['open', 'closed']);
    expect(second).toEqual(['open', 'closed']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses to open on a root that is not there', async () => {
    const link = new PiHostLink({ files: new SysfsRoot('/nonexistent-fieldnode-root'), i2c: new SimulatedI2cBuses(), gpio: new SimulatedGpioChip(new VirtualClock(), 1, 'pi4', []) });
    await expect(link.start()).rejects.toThrow("cannot read files under /nonexistent-fieldnode-root: check the board's root directory");
  });
});

describe("the Pi's header as a pins link", () => {
  const roots: FakePiRoot[] = [];
  afterEach(() => roots.splice(0).forEach((root) => root.dispose()));

  it('gives its pin drivers johnny-five on the simulated GPIO while open, and nothing once closed', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 15, 9));
    const root = new FakePiRoot({ seed: 21, clock, gpio: [{ line: 17, device: 'pir' }] });
    roots.push(root);
    const parts = piParts(root);
    const link = new PiHeaderLink({ chips: parts.gpio, chip: 'auto', pollIntervalMs: 2, clock, logger: silentLogger, companion: parts.companion });
    const problems = new ProblemCounter(silentLogger, clock);
    const readings: Reading[] = [];
    const context = { clock, logger: silentLogger, problems, emit: (reading: Reading) => void readings.push(reading), offerTime: () => undefined, pins: () => link.pins };
    const motion = digitalDriver.create(
      { boardId: 'hall', path: 'boards[0]', options: {}, sensors: [{ name: 'motion', path: 'boards[0].sensors[0]', options: { pin: 17, pullup: false, activeLow: false, debounceMs: 0 } }] },
      context,
    );
    const states: string[] = [];
    const unsubscribe = followLink(link, [motion], states);
    await link.start();
    expect(link.pins).toBeDefined();
    // The idle PIR's level is reported as soon as the pins are there.
    expect(readings.map((reading) => reading.value)).toEqual([false]);
    root.gpio().set(17, true);
    clock.advance(10);
    expect(readings.map((reading) => reading.value)).toEqual([false, true]);
    await link.stop();
    await link.stop();
    unsubscribe();
    expect(link.pins).toBeUndefined();
    expect(states).toEqual(['open', 'closed']);
    expect(clock.pendingTimers()).toBe(0);
    expect(problems.snapshot()).toEqual({});
  });

  it('opens without pins when the GPIO chip is not there, so its pin drivers count no-pins and the node runs on', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 15, 9));
    const root = new FakePiRoot({ seed: 22, clock });
    roots.push(root);
    const parts = piParts(root);
    const link = new PiHeaderLink({ chips: parts.gpio, chip: 'gpiochip9', pollIntervalMs: 2, clock, logger: silentLogger, companion: parts.companion });
    const problems = new ProblemCounter(silentLogger, clock);
    const context = { clock, logger: silentLogger, problems, emit: () => undefined, offerTime: () => undefined, pins: () => link.pins };
    const motion = digitalDriver.create(
      { boardId: 'hall', path: 'boards[0]', options: {}, sensors: [{ name: 'motion', path: 'boards[0].sensors[0]', options: { pin: 17, pullup: false, activeLow: false, debounceMs: 0 } }] },
      context,
    );
    const states: string[] = [];
    const unsubscribe = followLink(link, [motion], states);
    await link.start();
    expect(link.pins).toBeUndefined();
    expect(problems.snapshot()).toEqual({ 'no-pins': 1 });
    await link.stop();
    unsubscribe();
    expect(states).toEqual(['open', 'closed']);
    expect(clock.pendingTimers()).toBe(0);
  });
});
