import { existsSync, readFileSync } from 'node:fs';
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
