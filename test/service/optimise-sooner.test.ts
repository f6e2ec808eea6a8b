/**
 * The budget `fieldnode run` sets on its own V8: in a real Node.js process, a function is taken
 * by the optimising compiler after fewer calls once it is set, where this V8 has the flag; where
 * it has not, nothing is set and nothing is printed.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIMISE_SOONER, optimiseSooner } from '../../src/service/node-flags.js';

const FLAGS_MODULE = resolve('dist/src/service/node-flags.js');

/**
 * Runs a fresh Node.js that calls optimiseSooner (when `apply`) and then a small function until
 * V8 marks it for optimisation (or optimises it): how many calls that took, and what it printed.
 */
function callsUntilOptimised(apply: boolean): { calls: number; applied: boolean; stderr: string } {
  const script = `
    import { optimiseSooner } from ${JSON.stringify(FLAGS_MODULE)};
    const applied = ${apply} ? optimiseSooner() : false;
    function work(a) { let s = 0; for (let i = 0; i < 20; i++) s += (a * i) % 7; return s; }
    let calls = 0;
    // Optimised (16), TurboFanned (64), marked for optimisation (256) or being optimised concurrently (512).
    for (; calls < 100000; calls++) { work(calls); if (%GetOptimizationStatus(work) & (16 | 64 | 256 | 512)) break; }
    console.log(JSON.stringify({ calls, applied }));
  `;
  const result = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return { ...(JSON.parse(result.stdout) as { calls: number; applied: boolean }), stderr: result.stderr };
}

describe('the optimising budget of a running node', () => {
  it(`is set where V8 has the flag (${OPTIMISE_SOONER.v8}x, Node.js 20): a function is then optimised after fewer calls; elsewhere nothing is set or printed`, () => {
    const after = callsUntilOptimised(true);
    expect(after.stderr).toBe('');
    if (process.versions.v8.startsWith(OPTIMISE_SOONER.v8)) {
      expect(after.applied).toBe(true);
      // A quarter of the default budget: measured 26 calls against 107.
      expect(after.calls).toBeLessThan(callsUntilOptimised(false).calls / 2);
    } else {
      expect(after.applied).toBe(false);
    }
  });

  it('leaves later V8 versions (Node.js 22, 24) alone', () => {
    expect(optimiseSooner('12.4.254.21')).toBe(false);
    expect(optimiseSooner('13.6.233.10')).toBe(false);
  });
});
