import { describe, it } from 'vitest';
import { findBinary } from '../../simulators/find-binary.js';

export { findBinary };

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
