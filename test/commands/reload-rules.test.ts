import { describe, expect, it } from 'vitest';
import { redactConfig, REDACTED } from '../../src/commands/redact.js';
import { restartOnlyChanges, withInterval } from '../../src/commands/reload-rules.js';
import { VirtualClock } from '../../src/core/clock.js';
import { PollLoop } from '../../src/drivers/poll-loop.js';
import { validateSimulated } from '../support/simulated-node.js';

const config = validateSimulated({
  dataDir: '/var/lib/fieldnode',
  node: { id: 'n1', site: 's1' },
  broker: { url: 'mqtts://broker:8883', username: 'n1', password: { file: '/etc/fieldnode/password' }, tls: { cert: '/etc/fieldnode/n1.crt', key: '/etc/fieldnode/n1.key' } },
  http: { host: '0.0.0.0', token: { env: 'FIELDNODE_HTTP_TOKEN' } },
  boards: [
    { id: 'station', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }] },
    { id: 'health', piSimulator: { seed: 1 }, device: { type: 'gateway-health', intervalMs: 60_000 }, sensors: [{ name: 'cpu', unit: 'Cel', field: 'cpu_temperature' }] },
  ],
});

describe('what a reload may change', () => {
  it('names every changed path under node, broker, dataDir, outbox, http and plugins', () => {
    const next = { ...config, node: { ...config.node, site: 's2' }, broker: { ...config.broker, tls: { ...config.broker.tls!, key: '/elsewhere.key' } }, plugins: ['./more'], batching: { maxReadings: 1, maxDelayMs: 0 } };
    expect(restartOnlyChanges(config, next).map((problem) => problem.path)).toEqual(['node.site', 'broker.tls.key', 'plugins']);
    expect(restartOnlyChanges(config, { ...config, boards: [] })).toEqual([]);
  });

  it("sets a device's interval, and throttles a sensor with a throttle filter that replaces any earlier one", () => {
    const device = withInterval(config, { board: 'health', intervalMs: 5000 }) as typeof config;
    expect(device.boards[1]!.device).toEqual({ type: 'gateway-health', intervalMs: 5000 });
    expect(device.boards[0]).toBe(config.boards[0]);
    const withFilters = { ...config, boards: [{ ...config.boards[0]!, sensors: [{ ...config.boards[0]!.sensors[0]!, filters: [{ offset: 1 }, { throttle: { intervalMs: 1 } }, { round: { decimals: 1 } }] }] }] } as unknown as typeof config;
    const sensor = withInterval(withFilters, { board: 'station', sensor: 'temperature', intervalMs: 10_000 }) as { boards: { sensors: { filters: unknown[] }[] }[] };
    expect(sensor.boards[0]!.sensors[0]!.filters).toEqual([{ offset: 1 }, { round: { decimals: 1 } }, { throttle: { intervalMs: 10_000 } }]);
  });

  it('refuses a device without an interval, an unknown board and an unknown sensor, naming what there is', () => {
    expect(() => withInterval(config, { board: 'station', intervalMs: 1000 })).toThrow(/^board station: a lines device has no intervalMs/);
    expect(() => withInterval(config, { board: 'attic', intervalMs: 1000 })).toThrow('no board "attic"; boards: station, health');
    expect(() => withInterval(config, { board: 'station', sensor: 'wind', intervalMs: 1000 })).toThrow('board station has no sensor "wind"; sensors: temperature');
  });
});

describe('get-config redaction', () => {
  it('hides where the broker password, the TLS key and the HTTP token are kept, and credential-like driver options', () => {
    const shown = redactConfig({ ...config, boards: [{ ...config.boards[0], device: { type: 'x', apiKey: 'k', api_token: 't' } }] }) as Record<string, Record<string, unknown>>;
    expect(shown['broker']!['password']).toBe(REDACTED);
    expect((shown['broker']!['tls'] as Record<string, unknown>)['key']).toBe(REDACTED);
    expect((shown['broker']!['tls'] as Record<string, unknown>)['cert']).toBe('/etc/fieldnode/n1.crt');
    expect(shown['broker']!['username']).toBe('n1');
    expect(shown['http']!['token']).toBe(REDACTED);
    expect((shown['boards'] as unknown as { device: Record<string, unknown> }[])[0]!.device).toEqual({ type: 'x', apiKey: REDACTED, api_token: REDACTED });
    expect(JSON.stringify(shown)).not.toMatch(/\/etc\/fieldnode\/password|n1\.key|FIELDNODE_HTTP_TOKEN/);
  });
});

describe('PollLoop.readNow', () => {
  it('reads at once, then keeps the interval from there; never doubles a read in flight', async () => {
    const clock = new VirtualClock();
    const started: number[] = [];
    let release: (() => void) | undefined;
    const loop = new PollLoop(clock, 1000, async () => {
      started.push(clock.monotonic());
      await new Promise<void>((resolve) => (release = resolve));
    });
    const settle = async () => {
      for (let turn = 0; turn < 4; turn++) await Promise.resolve();
    };
    expect(loop.readNow()).toBe(false);
    loop.start();
    clock.advance(0);
    await settle();
    release!();
    await loop.settled();
    clock.advance(300);
    expect(loop.readNow()).toBe(true);
    await settle();
    expect(started).toEqual([0, 300]);
    expect(loop.readNow()).toBe(true); // in flight: the same read answers
    await settle();
    expect(started).toEqual([0, 300]);
    release!();
    await loop.settled();
    clock.advance(999);
    await settle();
    expect(started).toEqual([0, 300]);
    clock.advance(1);
    await settle();
    expect(started).toEqual([0, 300, 1300]);
    loop.stop();
  });
});
