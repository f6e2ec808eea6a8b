import { describe, it } from 'vitest';

/**
 * A describe block that needs something the machine may lack (a system binary, an optional
 * native module). Without it, the block is skipped with the reason in its name locally, and
 * fails under CI=true, where everything the suite needs is installed.
 */
export function describeNeeding(available: boolean, what: string, reason: string, title: string, body: () => void): void {
  if (available) {
    describe(title, body);
    return;
  }
  if (process.env['CI'] === 'true') {
    describe(title, () => {
      it(`needs ${what}`, () => {
        throw new Error(`${reason}; CI must install it`);
      });
    });
  } else {
    describe.skip(`${title} [skipped: ${reason}]`, body);
  }
}
