/**
 * readOnce reads a config's boards as a node would (their twins behind the runtime's own
 * serial code), on virtual time: every sensor once, a silent device timed out with the
 * driver's own count, a missing port explained, and the other boards read regardless.
 */
import { describe, expect, it } from 'vitest';
import { defaultReadTimeoutMs, readOnce, type ReadOnceReport } from '../../src/boards/read-once.js';
import { VirtualClock } from '../../src/core/clock.js';
import { simulatedCatalog, validateSimulated } from '../support/simulated-node.js';

function configOf(boards: unknown[]) {
  return validateSimulated({ node: { id: 'pole-7', site: 'harbour' }, dataDir: '/nonexistent/never-written', broker: { url: 'mqtt://127.0.0.1:1' }, boards });
}

const station = { id: 'station', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }, { name: 'humidity', unit: '%RH', key: 'h' }] };
const dust = { id: 'dust', simulator: { device: 'sds011' }, device: { type: 'sds011' }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }, { name: 'pm10', unit: 'ug/m3', field: 'pm10' }] };
const co2 = (faults?: object) => ({ id: 'co2', simulator: { device: 'mhz19', ...(faults ? { faults } : {}) }, device: { type: 'mhz19', intervalMs: 2000, timeoutMs: 500 }, sensors: [{ name: 'co2', unit: 'ppm' }] });

/** Runs readOnce on a virtual clock, moving it in small steps while the serial code's own events run. */
async function readOnVirtualTime(boards: unknown[], options: { timeoutMs?: number; durationMs?: number } = {}): Promise<{ report: ReadOnceReport; elapsedMs: number }> {
  const clock = new VirtualClock(Date.UTC(2026, 4, 12, 10));
  let report: ReadOnceReport | undefined;
  const reading = readOnce(configOf(boards), { catalog: simulatedCatalog, clock, ...options }).then((result) => (report = result));
  for (let steps = 0; report === undefined && steps < 2000; steps++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (report === undefined) clock.advance(20);
  }
  await reading;
  return { report: report!, elapsedMs: clock.monotonic() };
}

const board = (report: ReadOnceReport, id: string) => report.boards.find((candidate) => candidate.id === id)!;

describe('readOnce', () => {
  it('gives every sensor of several twins one reading, and stops as soon as they all answered', async () => {
    const { report, elapsedMs } = await readOnVirtualTime([station, dust, co2()]);
    for (const { sensors } of report.boards) for (const sensor of sensors) expect(sensor.reading, sensor.name).toBeDefined();
    expect(board(report, 'station')).toMatchObject({ device: 'lines', problems: {}, sensors: [{ name: 'temperature', unit: 'Cel', reading: { value: expect.any(Number) } }, { name: 'humidity', unit: '%RH' }] });
    expect(board(report, 'co2').sensors[0]!.reading!.value).toBeGreaterThan(300);
    expect(board(report, 'dust').error).toBeUndefined();
    // The twins speak within a second or two of opening: nobody waited for a timeout.
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('reads the sensors as they give their values, before their filters', async () => {
    const filtered = { ...dust, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5', filters: [{ multiply: 1000 }, { aggregate: { intervalMs: 600_000 } }] }] };
    const { report, elapsedMs } = await readOnVirtualTime([filtered]);
    const reading = board(report, 'dust').sensors[0]!.reading!;
    // A µg/m³ value as the sensor sent it, not a thousand times it, and no ten minutes' wait for the window.
    expect(reading.value).toBeLessThan(1000);
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('times out a silent device, with its driver\'s count, while the others are read', async () => {
    const { report, elapsedMs } = await readOnVirtualTime([station, co2({ silent: true })]);
    expect(board(report, 'station').sensors.every((sensor) => sensor.reading !== undefined)).toBe(true);
    const silent = board(report, 'co2');
    expect(silent.sensors[0]!.reading).toBeUndefined();
    expect(silent.problems['timeout']).toBeGreaterThanOrEqual(1);
    expect(silent.error).toBeUndefined();
    // The default for an MH-Z19 asked every 2 s with 0.5 s to answer: one cycle and a second, at least 5 s.
    expect(defaultReadTimeoutMs(configOf([co2()]).boards[0]!)).toBe(5000);
    expect(elapsedMs).toBeGreaterThanOrEqual(5000);
    expect(elapsedMs).toBeLessThan(5500);
  });

  it('explains a port that does not exist in words, at once, and still reads the other boards', async () => {
    const missing = { id: 'spare', port: '/dev/serial/by-id/usb-not-plugged-in', device: { type: 'sds011' }, sensors: [{ name: 'pm2_5', unit: 'ug/m3', field: 'pm2_5' }] };
    // A real port's open fails on the machine's own time, so this read runs on the system clock.
    const startedAt = performance.now();
    const report = await readOnce(configOf([missing, dust]), { catalog: simulatedCatalog });
    const elapsedMs = performance.now() - startedAt;
    expect(board(report, 'spare').error).toMatch(/^serial port \/dev\/serial\/by-id\/usb-not-plugged-in does not exist: check the cable and the path/);
    expect(board(report, 'spare').sensors[0]!.reading).toBeUndefined();
    expect(board(report, 'dust').sensors.every((sensor) => sensor.reading !== undefined)).toBe(true);
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('reads for a duration, counting every reading', async () => {
    const { report, elapsedMs } = await readOnVirtualTime([station], { durationMs: 5000 });
    expect(elapsedMs).toBeGreaterThanOrEqual(5000);
    for (const sensor of board(report, 'station').sensors) {
      expect(sensor.readings).toBeGreaterThanOrEqual(3);
      expect(sensor.readings).toBeLessThanOrEqual(6);
      expect(sensor.reading).toBeDefined();
    }
  });
});
