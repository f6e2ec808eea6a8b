/**
 * A plugin package as a third party writes one: a tally counter printing `COUNT <n>` lines,
 * its driver and its twin, importing fieldnode as a peer dependency.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The package's index.js. */
export const TALLY_PLUGIN_SOURCE = `
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

/** Writes the package `fieldnode-driver-tally` with `source` as its index.js under `root`; returns its folder. */
export function writeTallyPlugin(root: string, source: string = TALLY_PLUGIN_SOURCE): string {
  const plugin = join(root, 'fieldnode-driver-tally');
  mkdirSync(join(plugin, 'node_modules'), { recursive: true });
  writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'fieldnode-driver-tally', version: '1.0.0', type: 'module', exports: './index.js', peerDependencies: { fieldnode: '*' } }));
  writeFileSync(join(plugin, 'index.js'), source);
  // Its peer dependency: this fieldnode, as npm would link it beside the plugin.
  symlinkSync(resolve('.'), join(plugin, 'node_modules', 'fieldnode'), 'dir');
  return plugin;
}
