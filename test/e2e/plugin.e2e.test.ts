/**
 * A driver package from outside the tree, built here in a temporary folder the way a third
 * party would write one (plain JavaScript, importing only 'fieldnode'), named by a config's
 * `plugins`, and seen by validate, schema, simulate and run like a built-in driver.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunningCli, runCli } from '../support/cli.js';

/** A tally counter printing `COUNT <n>` lines, its driver and its twin: one plugin package. */
const PLUGIN_SOURCE = `
import { z } from 'fieldnode';

const driver = {
  type: 'tally',
  summary: 'a tally counter printing COUNT <n> lines',
  link: 'bytes',
  defaultBaud: 19200,
  deviceShape: { prefix: z.string().min(1).default('COUNT').describe('the word before the count') },
  sensorShape: { scale: z.number().default(1).describe('value = count x scale') },
  create(device, context) {
    const pattern = new RegExp('^' + device.options.prefix + ' (\\\\d+)\\\\r?$');
    return {
      framing: { kind: 'lines', delimiter: '\\n', maxLineBytes: 64 },
      onLine(line) {
        const match = pattern.exec(line);
        if (!match) return context.problems.count('malformed-line', line);
        for (const sensor of device.sensors) context.emit({ name: sensor.name, unit: sensor.unit, value: Number(match[1]) * sensor.options.scale, time: context.clock.now() });
      },
    };
  },
};

const twin = {
  device: 'tally',
  summary: 'a tally counter',
  defaultBaud: 19200,
  readBy: ['tally'],
  optionsShape: { intervalMs: z.number().int().min(1).default(100), start: z.number().int().default(0) },
  create(options, link, clock) {
    let count = options.start;
    let timer;
    const tick = () => {
      link.write(Buffer.from('COUNT ' + count++ + '\\r\\n'));
      timer = clock.setTimeout(tick, options.intervalMs);
    };
    return { start: () => void (timer = clock.setTimeout(tick, options.intervalMs)), stop: () => clock.clearTimeout(timer) };
  },
};

export const fieldnodePlugin = { drivers: { tally: driver }, twins: { tally: twin } };
`;

/** The same package with a driver whose type does not match its key. */
const BROKEN_SOURCE = `export const fieldnodePlugin = { drivers: { tally: { type: 'tallies', link: 'bytes', summary: '', deviceShape: {}, sensorShape: {}, defaultBaud: 9600, create() {} } } };\n`;

function pluginProject(source: string): { root: string; config: string; plugin: string } {
  const root = mkdtempSync(join(tmpdir(), 'fieldnode-plugin-'));
  const plugin = join(root, 'fieldnode-driver-tally');
  mkdirSync(join(plugin, 'node_modules'), { recursive: true });
  writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'fieldnode-driver-tally', version: '1.0.0', type: 'module', exports: './index.js', peerDependencies: { fieldnode: '*' } }));
  writeFileSync(join(plugin, 'index.js'), source);
  // Its peer dependency: this fieldnode, as npm would link it beside the plugin.
  symlinkSync(resolve('.'), join(plugin, 'node_modules', 'fieldnode'), 'dir');
  const config = join(root, 'fieldnode.yaml');
  writeFileSync(
    config,
    `plugins: [./fieldnode-driver-tally]
node: { id: tally-node, site: plugin-test }
broker: { url: mqtt://127.0.0.1:1883 }
dataDir: ${join(root, 'data')}
boards:
  - id: gate
    simulator: { device: tally, intervalMs: 40, start: 7 }
    device: { type: tally }
    sensors:
      - { name: people, unit: count, scale: 2 }
`,
  );
  return { root, config, plugin };
}

describe('a driver plugin from a package of its own', () => {
  let running: RunningCli | undefined;
  afterEach(async () => {
    await running?.signal('SIGINT');
    running = undefined;
  });

  it('is validated, described, simulated and run like a built-in driver', async () => {
    const { config, plugin } = pluginProject(PLUGIN_SOURCE);

    const validated = await runCli(['validate', config]);
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toContain('ok (node tally-node at plugin-test, 1 board(s), 1 sensor(s))');

    const schema = await runCli(['schema', '--plugin', plugin]);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toContain('"const": "tally"');
    expect(schema.stdout).toContain('the word before the count');

    const simulated = new RunningCli(['simulate', 'tally', '--plugin', plugin, '-o', 'intervalMs=5', '-o', 'start=40']);
    running = simulated;
    await simulated.waitForStdout((lines) => lines.includes('COUNT 42\r'), 15_000);
    await simulated.signal('SIGINT');

    running = new RunningCli(['run', config, '--embedded-broker']);
    // The twin counts from 7, the sensor scales by 2: 14, 16, ... decoded from the broker, none
    // missing between the first the tail saw and the last.
    const values = () => running!.stdoutLines().flatMap((line) => /plugin-test\/tally-node\/gate\s+people\s+(\d+) count$/.exec(line)?.[1] ?? []).map(Number);
    await running.waitForStdout(() => values().length >= 3, 20_000);
    const seen = values();
    expect(seen[0]).toBeGreaterThanOrEqual(14);
    expect(seen).toEqual(seen.map((_, index) => seen[0]! + 2 * index));
  });

  it('is refused with the reason, at its path, when it is malformed or missing', async () => {
    const broken = pluginProject(BROKEN_SOURCE);
    const refused = await runCli(['validate', broken.config]);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('plugins[0]: ./fieldnode-driver-tally: driver tally must have type "tally"');
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    const missing = pluginProject(PLUGIN_SOURCE);
    writeFileSync(missing.config, (await import('node:fs')).readFileSync(missing.config, 'utf8').replace('./fieldnode-driver-tally', 'fieldnode-driver-nowhere'));
    const notFound = await runCli(['validate', missing.config]);
    expect(notFound.code).toBe(78);
    expect(notFound.stderr).toMatch(/plugins\[0\]: cannot load fieldnode-driver-nowhere: /);
    expect(notFound.stderr).not.toMatch(/^\s+at /m);
  });
});
