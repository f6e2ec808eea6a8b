/**
 * Check 7: the Node.js running fieldnode. Below the package's engines it may not work at all;
 * past its end of life it gets no security fixes, and a gateway lives for years.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { fail, pass, warn, type CheckResult } from './report.js';

/**
 * End of life of each Node.js major line (https://nodejs.org/about/previous-releases); odd
 * majors are never LTS. Add a line when a new LTS line appears.
 */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = { 18: '2025-04-30', 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' };

/** The `engines.node` range of the installed package (`^20.19.0 || ^22.12.0 || ^24.0.0`). */
export function enginesRange(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
}

/** Checks `version` (`v20.19.5` or `20.19.5`) against the engines range and the end-of-life table. */
export function checkNodeVersion(version: string, engines: string, now: number): CheckResult {
  const check = 'Node.js';
  const running = parseVersion(version);
  const floors = engines.split('||').map((part) => parseVersion(part.trim().replace(/^[\^~>=]+/, '')));
  const upgrade = 'install a current LTS release of Node.js (https://nodejs.org/en/download, or NodeSource\'s packages for Raspberry Pi OS) and restart the node';
  const sameLine = floors.find((floor) => floor[0] === running[0]);
  if (sameLine ? compare(running, sameLine) < 0 : compare(running, floors[0]!) < 0) {
    return fail(check, `${version} is older than fieldnode needs (${engines})`, upgrade);
  }
  const endOfLife = NODE_END_OF_LIFE[running[0]];
  if (endOfLife !== undefined && now > Date.parse(`${endOfLife}T23:59:59Z`)) {
    return warn(check, `${version}: Node.js ${running[0]} reached its end of life on ${endOfLife} and gets no security fixes`, upgrade);
  }
  if (!sameLine) return warn(check, `${version} is not a release line fieldnode supports (${engines})`, `use one of the lines in ${engines}: even-numbered LTS releases`);
  return pass(check, endOfLife === undefined ? version : `${version} (supported until ${endOfLife})`);
}

function parseVersion(text: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = text
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return (a[index] ?? 0) - (b[index] ?? 0);
  return 0;
}
