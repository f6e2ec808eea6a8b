import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/core/clock.js';
import type { Reading } from '../../../src/core/reading.js';
import { memoryUsedPercent, throttleFlags } from '../../../src/drivers/gateway-health/decode.js';
import { createGatewayHealthPoller } from '../../../src/drivers/gateway-health/index.js';
import { gatewayHealthFields, type GatewayHealthField } from '../../../src/drivers/gateway-health/schema.js';
import { FakePiRoot, type FakePiRootOptions, type PiFault } from '../../../simulators/pi/fake-root.js';
import type { RenderedHealth } from '../../../simulators/pi/render.js';

const POLL_MS = 60_000;

function recorder() {
  const counts: Record<string, number> = {};
  const details: string[] = [];
  return { counts, details, count: (kind: string, detail?: string) => void ((counts[kind] = (counts[kind] ?? 0) + 1), details.push(`${kind}: ${detail}`)) };
}

/** What a correct driver reports for each field, from what the simulated files hold. */
function expectedValue(field: GatewayHealthField, truth: RenderedHealth): number | boolean {
  const flags = throttleFlags(truth.throttledWord);
  const memory = { totalBytes: truth.memoryTotalBytes, availableBytes: truth.memoryAvailableBytes };
  const values: Record<GatewayHealthField, number | boolean> = {
    cpu_temperature: truth.cpuCelsius,
    load1: truth.load1,
    load5: truth.load5,
    load15: truth.load15,
    memory_available: truth.memoryAvailableBytes,
    memory_used_ratio: memoryUsedPercent(memory),
    disk_free: truth.diskFreeBytes,
    uptime: truth.uptimeSeconds,
    under_voltage: flags.underVoltage,
    under_voltage_since_boot: flags.underVoltageSinceBoot,
    throttled: flags.frequencyCapped || flags.throttled || flags.softTemperatureLimit,
  };
  return values[field];
}

describe('gateway-health poller on a simulated Pi', () => {
  const roots: FakePiRoot[] = [];
  afterEach(() => roots.splice(0).forEach((root) => root.dispose()));

  function setUp(options: Partial<FakePiRootOptions> = {}, fields: readonly GatewayHealthField[] = gatewayHealthFields) {
    const clock = new VirtualClock(Date.UTC(2026, 6, 1, 8));
    const root = new FakePiRoot({ seed: 3, clock, updateIntervalMs: 5000, ...options });
    roots.push(root);
    root.start();
    const readings: Reading[] = [];
    const problems = recorder();
    const sensors = fields.map((field, index) => ({ name: field, unit: undefined, path: `sensors[${index}]`, options: { field } }));
    const poller = createGatewayHealthPoller({ files: root.files(), intervalMs: POLL_MS, clock, problems, emit: (reading) => readings.push(reading), sensors });
    poller.start();
    const poll = async (fault?: PiFault) => {
      clock.advance(POLL_MS - 5000);
      if (fault) root.inject({ ...fault, updates: 2 });
      clock.advance(5000);
      await poller.settled();
    };
    clock.advance(0);
    return { clock, root, readings, problems, poller, poll, settled: () => poller.settled() };
  }

  it('reports every field as the files show it, every interval', async () => {
    const { clock, root, readings, problems, poller, poll, settled } = setUp();
    await settled();
    for (let index = 0; index < 20; index++) {
      const latest = readings.slice(-gatewayHealthFields.length);
      expect(Object.fromEntries(latest.map((reading) => [reading.name, reading.value]))).toEqual(
        Object.fromEntries(gatewayHealthFields.map((field) => [field, expectedValue(field, root.healthTruth())])),
      );
      expect(latest.every((reading) => reading.time === clock.now())).toBe(true);
      await poll();
    }
    expect(problems.counts).toEqual({});
    poller.stop();
    root.stop();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('sees under-voltage and throttling, now and since boot', async () => {
    const { readings, poll, settled } = setUp({}, ['under_voltage', 'under_voltage_since_boot', 'throttled']);
    await settled();
    const latest = () => Object.fromEntries(readings.slice(-3).map((reading) => [reading.name, reading.value]));
    expect(latest()).toEqual({ under_voltage: false, under_voltage_since_boot: false, throttled: false });
    await poll({ kind: 'under-voltage' });
    expect(latest()).toEqual({ under_voltage: true, under_voltage_since_boot: true, throttled: true });
    await poll();
    expect(latest()).toEqual({ under_voltage: false, under_voltage_since_boot: true, throttled: false });
    await poll({ kind: 'throttled' });
    expect(latest()).toEqual({ under_voltage: false, under_voltage_since_boot: true, throttled: true });
  });

  it('finds get_throttled through the firmware driver when the device has another name, and works without hwmon', async () => {
    const { root, readings, problems, poll, settled } = setUp({ firmwareNode: 'soc@107c000000:firmware', hwmon: false }, ['under_voltage', 'throttled']);
    await settled();
    await poll({ kind: 'under-voltage' });
    expect(Object.fromEntries(readings.slice(-2).map((reading) => [reading.name, reading.value]))).toEqual({ under_voltage: true, throttled: true });
    expect(root.healthTruth().underVoltageAlarm).toBe(true);
    expect(problems.counts).toEqual({});
  });

  it('counts a missing and a corrupt file, and recovers', async () => {
    const { readings, problems, poll, settled } = setUp({}, ['cpu_temperature', 'load1', 'memory_available']);
    await settled();
    await poll({ kind: 'missing-file', file: '/sys/class/thermal/thermal_zone0/temp' });
    await poll({ kind: 'corrupt-file', file: '/proc/loadavg' });
    await poll({ kind: 'corrupt-file', file: '/proc/meminfo' });
    await poll();
    expect(problems.counts).toEqual({ 'missing-file': 1, malformed: 2 });
    expect(problems.details[0]).toBe('missing-file: cpu_temperature: /sys/class/thermal/thermal_zone0/temp does not exist (no thermal zone: the SoC thermal driver is not loaded)');
    const byPoll = new Map<number, string[]>();
    for (const reading of readings) byPoll.set(reading.time, [...(byPoll.get(reading.time) ?? []), reading.name].sort());
    expect([...byPoll.values()]).toEqual([
      ['cpu_temperature', 'load1', 'memory_available'],
      ['load1', 'memory_available'],
      ['cpu_temperature', 'memory_available'],
      ['cpu_temperature', 'load1'],
      ['cpu_temperature', 'load1', 'memory_available'],
    ]);
  });

  it('explains a machine that is not a Pi', async () => {
    const { root, problems, poll, settled } = setUp({}, ['throttled']);
    await settled();
    await poll({ kind: 'missing-file', file: '/sys/devices/platform/soc/soc:firmware/get_throttled' });
    expect(problems.details).toEqual([
      'missing-file: throttled: /sys/devices/platform/soc/soc:firmware/get_throttled does not exist (no get_throttled: not a Raspberry Pi, or its firmware driver is not loaded)',
    ]);
    expect(root.healthTruth().throttledWord).toBe(0);
  });
});
