import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import type { Reading } from '../../../src/core/reading.js';
import { createDs18b20Poller } from '../../../src/drivers/ds18b20/index.js';
import type { Ds18b20SensorOptions } from '../../../src/drivers/ds18b20/schema.js';
import { SysfsRoot, type PiFiles } from '../../../src/transports/pi/sysfs.js';
import { encodeW1Slave, scratchpadFor } from '../../../src/drivers/ds18b20/decode.js';
import { FakePiRoot, type PiFault } from '../../../simulators/pi/fake-root.js';

const RIVER = '28-0316a2795cff';
const BOX = '28-01191ed6a1c4';
const POLL_MS = 10_000;

/** Counts and keeps each problem's detail, as a ProblemCounter would log it. */
function recorder() {
  const counts: Record<string, number> = {};
  const details: string[] = [];
  return { counts, details, count: (kind: string, detail?: string) => void ((counts[kind] = (counts[kind] ?? 0) + 1), details.push(`${kind}: ${detail}`)) };
}

function binding(name: string, sensorId: string, path: string) {
  return { name, unit: 'Cel', path, options: { sensorId } satisfies Ds18b20SensorOptions };
}

describe('ds18b20 poller on a simulated Pi', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  function setUp() {
    const clock = new VirtualClock(Date.UTC(2026, 6, 1, 12));
    const root = new FakePiRoot({ seed: 7, clock, ds18b20: [{ id: RIVER, site: 'river' }, { id: BOX, site: 'enclosure' }] });
    cleanups.push(() => root.dispose());
    root.start();
    const readings: Reading[] = [];
    const problems = recorder();
    const poller = createDs18b20Poller({ files: root.files(), intervalMs: POLL_MS, clock, problems, emit: (reading) => readings.push(reading), sensors: [binding('water', RIVER, 'sensors[0]'), binding('box', BOX, 'sensors[1]')] });
    poller.start();
    /** Moves to the next poll; a fault injected 1 s before it is still in the files when it reads. */
    const poll = async (fault?: PiFault) => {
      clock.advance(POLL_MS - 1000);
      if (fault) root.inject({ ...fault, updates: 2 });
      clock.advance(1000);
      await poller.settled();
    };
    return { clock, root, readings, problems, poller, poll };
  }

  it('reports what each sensor file holds, at the poll interval, to the sensor resolution', async () => {
    const { clock, root, readings, problems, poller, poll } = setUp();
    clock.advance(0);
    await poller.settled();
    for (let index = 0; index < 30; index++) {
      const expected = [
        { name: 'water', unit: 'Cel', value: root.ds18b20Truth(RIVER).milliCelsius! / 1000, time: clock.now() },
        { name: 'box', unit: 'Cel', value: root.ds18b20Truth(BOX).milliCelsius! / 1000, time: clock.now() },
      ];
      expect(readings.slice(-2)).toEqual(expected);
      await poll();
    }
    expect(readings).toHaveLength(62);
    // A river in July is cool and steady; the box heats in the midday sun.
    const water = readings.filter((reading) => reading.name === 'water').map((reading) => reading.value as number);
    expect(Math.max(...water) - Math.min(...water)).toBeLessThan(1);
    // Every value is a whole number of 1/16 °C steps, as the kernel converts them.
    expect(water.every((value) => Math.trunc((Math.round(value * 16) * 1000) / 16) === Math.round(value * 1000))).toBe(true);
    expect(problems.counts).toEqual({});
    poller.stop();
    root.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('counts each fault of the simulated Pi under its own name, and recovers', async () => {
    const { readings, problems, poll } = setUp();
    const faults: [PiFault['kind'], string][] = [
      ['crc-failure', 'crc-failure'],
      ['missing-sensor', 'missing-sensor'],
      ['corrupt', 'malformed'],
      ['power-on-reset', 'power-on-reset'],
      ['no-answer', 'no-answer'],
      ['bus-fault', 'bus-fault'],
    ];
    await poll();
    for (const [kind, counted] of faults) {
      const before = readings.length;
      await poll({ kind, sensor: RIVER } as PiFault);
      expect(readings.slice(before).map((reading) => reading.name), kind).toEqual(['box']);
      expect(problems.counts[counted], kind).toBe(1);
      await poll();
      expect(readings.slice(before + 1).map((reading) => reading.name), `${kind}, after`).toEqual(['water', 'box']);
    }
    expect(problems.counts).toEqual({ 'crc-failure': 1, 'missing-sensor': 1, malformed: 1, 'power-on-reset': 1, 'no-answer': 1, 'bus-fault': 1 });
    expect(problems.details.find((detail) => detail.startsWith('missing-sensor'))).toBe(
      `missing-sensor: water (${RIVER}): /sys/bus/w1/devices/${RIVER}/w1_slave does not exist (the bus shows only ${BOX}): check the sensor's wiring and its 4.7 kΩ pull-up, or the id`,
    );
  });

  it('tells a Pi without 1-Wire enabled from a sensor that left the bus', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fieldnode-nopi-'));
    cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
    const clock = new VirtualClock();
    const problems = recorder();
    const poller = createDs18b20Poller({ files: new SysfsRoot(empty), intervalMs: POLL_MS, clock, problems, emit: () => {}, sensors: [binding('water', RIVER, 'sensors[0]')] });
    poller.start();
    clock.advance(0);
    await poller.settled();
    expect(problems.details).toEqual([
      'missing-sensor: water (28-0316a2795cff): /sys/bus/w1/devices does not exist: enable 1-Wire (dtoverlay=w1-gpio in config.txt, or raspi-config) and reboot',
    ]);
    poller.stop();
  });

  it('reads the sensors of the bus one after another, and a read that fails does not keep the next from being read', async () => {
    const clock = new VirtualClock();
    const problems = recorder();
    const readings: Reading[] = [];
    let reading = 0;
    let most = 0;
    const files: PiFiles = {
      description: 'a slow bus',
      list: async () => [],
      space: async () => ({ freeBytes: 0, totalBytes: 0 }),
      readText: async (path) => {
        most = Math.max(most, ++reading);
        await new Promise((resolve) => setImmediate(resolve));
        reading--;
        if (path.includes(RIVER)) throw new Error('EIO: i/o error');
        return encodeW1Slave(scratchpadFor(0x0172));
      },
    };
    const poller = createDs18b20Poller({ files, intervalMs: POLL_MS, clock, problems, emit: (reading) => readings.push(reading), sensors: [binding('water', RIVER, 'sensors[0]'), binding('box', BOX, 'sensors[1]')] });
    poller.start();
    clock.advance(0);
    await poller.settled();
    clock.advance(POLL_MS);
    await poller.settled();
    poller.stop();
    expect(most).toBe(1);
    expect(readings.map((reading) => [reading.name, reading.value])).toEqual([
      ['box', 23.125],
      ['box', 23.125],
    ]);
    expect(problems.details).toEqual([`read-failed: water (${RIVER}): EIO: i/o error`, `read-failed: water (${RIVER}): EIO: i/o error`]);
  });
});
