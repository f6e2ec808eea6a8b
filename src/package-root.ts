import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root, found by walking up from this file: the same code runs
 * from src/ in development and from dist/src/ when installed, at different depths.
 */
export function packageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'fieldnode') return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find the fieldnode package root');
    directory = parent;
  }
}

/** The bundled demo config: a simulated weather station on an Arduino Uno. */
export function demoConfigPath(): string {
  return join(packageRoot(), 'boards', 'arduino-uno', 'weather-station.demo.yaml');
}

/** The package version, for `--version` and, later, birth messages. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The scenarios shipped with the package, by name (`street-corner`). */
export function bundledScenarios(): string[] {
  return readdirSync(join(packageRoot(), 'simulators', 'scenarios'))
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * What `simulate --scenario` reads: a file, or the name of a bundled scenario, so an installed
 * package runs `--scenario street-corner` without knowing where npm put it. Undefined when
 * it is neither.
 */
export function scenarioFile(argument: string): string | undefined {
  if (existsSync(argument)) return argument;
  const bundled = join(packageRoot(), 'simulators', 'scenarios', `${argument}.yaml`);
  return bundledScenarios().includes(argument) ? bundled : undefined;
}
