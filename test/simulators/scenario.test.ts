import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { loadScenario } from '../../simulators/scenario.js';
import { describeWithBinary } from '../support/binaries.js';
import { runCli, RunningCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';

const directory = mkdtempSync(join(tmpdir(), 'fieldnode-scenario-'));
const file = (name: string, text: string) => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};

describe('scenario files', () => {
  it('load the shipped examples', () => {
    expect(loadScenario('simulators/scenarios/street-corner.yaml').steps).toHaveLength(8);
    expect(loadScenario('simulators/scenarios/flood.yaml').devices.map((device) => device.device)).toEqual(['maxbotix', 'weather-station']);
  });

  it('list every problem with its path', () => {
    const path = file(
      'bad.yaml',
      `name: broken
devices:
  - { id: w, device: weather-station, pty: /tmp/x }
  - { id: t, device: toaster, pty: /tmp/y }
  - { id: w, device: weather-station, pty: /tmp/z }
steps:
  - { at: soon, device: w, fault: bad-checksum }
  - { at: 1s, device: nobody, stuck: true }
  - { at: 2s, device: w, fault: truncated }
  - { at: 3s, device: w, unplug: 1s, stuck: true }
`,
    );
    let problems: string[] = [];
    try {
      loadScenario(path);
    } catch (error) {
      problems = (error as ConfigError).problems.map((problem) => `${problem.path}: ${problem.message}`);
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^devices\[1\]\.device: /),
        expect.stringMatching(/^steps\[0\]\.at: /),
        'devices: device ids must be unique',
        'steps[1].device: not one of the devices: w, t',
        'steps[2]: the weather-station twin has no fault injection',
        'steps[3]: each step does one thing: fault, stuck, silent, unplug or end',
      ]),
    );
  });
});

describeWithBinary('socat', 'socat', 'fieldnode simulate --scenario', () => {
  it('runs devices on ptys, pulls a cable and plugs it back, and ends on time', async () => {
    const air = join(directory, 'ttyAIR');
    const path = file(
      'short.yaml',
      `name: short
devices:
  - { id: air, device: sds011, pty: ${air}, options: { intervalMs: 50 } }
steps:
  - { at: 300ms, device: air, fault: bad-checksum, count: 2 }
  - { at: 600ms, device: air, unplug: 800ms }
  - { at: 2500ms, end: true }
`,
    );
    const run = new RunningCli(['simulate', '--scenario', path]);
    await run.waitForStderr(/air: simulated sds011 on/);
    const port = new SerialPort({ path: air, baudRate: 9600 });
    let bytes = 0;
    port.on('data', (chunk: Buffer) => (bytes += chunk.length));
    port.on('error', () => undefined);
    await waitUntil(() => bytes >= 50);
    await run.waitForStderr(/air: unplugged for 0\.8s/);
    await waitUntil(() => !existsSync(air), 3000);
    await run.waitForStderr(/air: plugged back in/);
    expect(existsSync(air)).toBe(true);
    expect(await run.exit()).toBe(0);
    expect(run.stderr).toMatch(/t\+0\.3s air: bad-checksum × 2/);
    expect(run.stderr).toMatch(/t\+2\.5s end/);
  });

  it('runs a bundled scenario by name, and names the bundled ones when the argument is neither file nor name', async () => {
    const unknown = await runCli(['simulate', '--scenario', 'no-such-scenario']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('fieldnode: no scenario file no-such-scenario, nor a bundled scenario of that name (bundled: flood, street-corner)');
    const run = new RunningCli(['simulate', '--scenario', 'street-corner']);
    await run.waitForStderr(/scenario "street corner, cable pulled"/);
    await run.waitForStderr(/weather: simulated weather-station on /);
    expect(await run.signal('SIGINT')).toBe(0);
  });
});
