import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/sbin', '/bin'];

/** Full path of a system binary, or undefined when it is not installed. */
export function findBinary(name: string): string | undefined {
  return SEARCH_PATH.map((directory) => `${directory}/${name}`).find((path) => existsSync(path));
}

/**
 * A describe block that needs a system binary. Without it, the block is skipped with the
 * reason in its name locally, and fails under CI=true, where the binary must be installed.
 */
export function describeWithBinary(binary: string, debianPackage: string, title: string, body: () => void): void {
  if (findBinary(binary)) {
    describe(title, body);
    return;
  }
  const reason = `${binary} is not installed (apt-get install ${debianPackage})`;
  if (process.env['CI'] === 'true') {
    describe(title, () => {
      it(`needs ${binary}`, () => {
        throw new Error(`${reason}; CI must install it`);
      });
    });
  } else {
    describe.skip(`${title} [skipped: ${reason}]`, body);
  }
}
