import { existsSync } from 'node:fs';

const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin', '/bin'];

/** Full path of a system binary, or undefined when it is not installed. */
export function findBinary(name: string): string | undefined {
  return SEARCH_PATH.map((directory) => `${directory}/${name}`).find((path) => existsSync(path));
}
