import type { Command } from 'commander';
import { createRequire } from 'node:module';
import { FieldnodeError } from '../core/errors.js';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';
import { onShutdown } from './shutdown.js';
import { bundledScenarios, scenarioFile } from '../package-root.js';
import { endQuietlyWhenStdoutCloses } from './stdout.js';

/**
 * Adds one `-o key=value` to the options. A dotted key sets a nested option
 * (`faults.badChecksum=0.05`), merged into what earlier `-o`s set, as the YAML config would nest it.
 */
function collectOption(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new FieldnodeError(`--option takes key=value, got "${value}"`, 'USAGE');
  const path = value.slice(0, equals).split('.');
  if (path.some((part) => part === '')) throw new FieldnodeError(`--option key "${value.slice(0, equals)}" has an empty part`, 'USAGE');
  // Values are read as YAML scalars, so `seed=7` is a number and `format=csv` a string.
  // The YAML parser is loaded only when an option is given.
  const { parse: parseYamlScalar } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return setNested(previous, path, parseYamlScalar(value.slice(equals + 1)) as unknown, []);
}

/** A copy of `target` with `value` at `path`, keeping the siblings earlier options set. */
function setNested(target: Record<string, unknown>, path: readonly string[], value: unknown, above: readonly string[]): Record<string, unknown> {
  const [key, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...target, [key]: value };
  const current = Object.hasOwn(target, key) ? target[key] : {};
  if (typeof current !== 'object' || current === null || Array.isArray(current)) {
    throw new FieldnodeError(`--option ${[...above, key].join('.')} is already set to a value, so it cannot also take ${[...above, ...path].join('.')}`, 'USAGE');
  }
  return { ...target, [key]: setNested(current as Record<string, unknown>, rest, value, [...above, key]) };
}

/** `--firmware X` is the firmware twin: its name stands for the device, which it excludes. */
function firmwareDevice(device: string | undefined, flags: { firmware?: string; board?: string }): string | undefined {
  if (flags.firmware === undefined) {
    if (flags.board !== undefined) throw new FieldnodeError('--board goes with --firmware (the board a sketch runs on)', 'USAGE');
    return device;
  }
  if (device !== undefined) throw new FieldnodeError(`give a device or --firmware, not both (got ${device} and --firmware ${flags.firmware})`, 'USAGE');
  return 'firmware';
}

/** The firmware twin's options that --firmware and --board set. */
function firmwareOptions(flags: { firmware?: string; board?: string }): Record<string, unknown> {
  if (flags.firmware === undefined) return {};
  return { firmware: flags.firmware, ...(flags.board !== undefined ? { board: flags.board } : {}) };
}

/** `fieldnode simulate <device> [--pty PATH]`: a simulated device for people and CI. */
/** Registers `simulate`; the function it returns names the twins in its help when the command line `words` will show it. */
export function registerSimulate(program: Command, load: LoadComposition): (words: readonly string[]) => Promise<void> {
  const simulate = program
    .command('simulate')
    .description('run a simulated device: on a pty that any serial program can open, or printing to stdout')
    .argument('[device]', 'simulated device')
    .option('--scenario <file|name>', 'run a scripted scenario: several devices on ptys and a timeline of faults and unplugs; a file, or the name of a bundled one')
    .option('--directory <dir>', 'with --scenario: create every pty in this directory (under the file name the scenario gives it), so parallel runs do not collide')
    .option('--pty <path>', 'create a pty at this path (a symlink) and speak on it, as the device would on /dev/ttyUSB0')
    .option('--firmware <sketch>', "run one of fieldnode's sketches, compiled (npm run build:firmware), in an emulated Arduino: weather-station, lines-analog")
    .option('--board <id>', 'with --firmware: the board it is built for and emulated as (arduino-uno, arduino-nano)')
    .option('--seed <n>', 'seed of the physical model; the same seed replays the same readings', (value) => Number(value))
    .option('-o, --option <key=value>', 'a device option, repeatable (e.g. -o intervalMs=200 -o format=csv)', collectOption, {})
    .option('--plugin <name>', "also offer the twins of this driver package (an npm name, or a path), repeatable", (name: string, list: string[]) => [...list, name], [])
    .action(async (named: string | undefined, flags: { pty?: string; directory?: string; seed?: number; scenario?: string; firmware?: string; board?: string; option: Record<string, unknown>; plugin: string[] }) => {
      try {
        const device = firmwareDevice(named, flags);
        const [{ catalog: bundled, twins: hosting }, { withPlugins }, { twinIn }] = await Promise.all([load(), import('../config/plugins.js'), import('../catalog/catalog.js')]);
        const catalog = await withPlugins(bundled, flags.plugin, process.cwd(), '--plugin');
        if (!hosting) throw new FieldnodeError('this fieldnode has no simulators', 'USAGE');
        if (flags.scenario) {
          const file = scenarioFile(flags.scenario);
          if (!file) throw new FieldnodeError(`no scenario file ${flags.scenario}, nor a bundled scenario of that name (bundled: ${bundledScenarios().join(', ')})`, 'USAGE');
          const running = await hosting.runScenario(file, (line) => process.stderr.write(`fieldnode: ${line}\n`), flags.directory);
          onShutdown(() => running.stop());
          await running.finished;
          process.exit(0);
        }
        if (!device) throw new FieldnodeError('name a device to simulate, or give --scenario FILE', 'USAGE');
        const twin = twinIn(catalog, device);
        if (!twin) throw new FieldnodeError(`no simulated device "${device}"; known: ${Object.keys(catalog.twins).join(', ')}`, 'USAGE');
        const options = { ...flags.option, ...(flags.seed !== undefined ? { seed: flags.seed } : {}), ...firmwareOptions(flags) };
        if (flags.pty) {
          const hosted = await hosting.onPty(twin, options, flags.pty);
          process.stderr.write(`fieldnode: simulated ${flags.firmware === undefined ? device : `${flags.firmware} firmware${flags.board ? ` on an emulated ${flags.board}` : ''}`} on ${hosted.path}; Ctrl-C stops it\n`);
          onShutdown(() => hosted.stop());
        } else {
          const running = hosting.onStream(twin, options, process.stdout);
          endQuietlyWhenStdoutCloses(() => void running.stop());
          onShutdown(() => running.stop());
        }
      } catch (error) {
        failWith(error);
      }
    });
  // The twins' names are in the help of `simulate` only: read when that verb is the one run
  // (`simulate ...` or `help simulate`), so the other verbs start without the catalog.
  return async (words) => {
    if (words[0] !== 'simulate' && !(words[0] === 'help' && words[1] === 'simulate')) return;
    const names = Object.keys((await load()).catalog.twins);
    simulate.registeredArguments[0]!.description = `simulated device: ${names.length > 0 ? names.join(', ') : 'none registered'}`;
  };
}
