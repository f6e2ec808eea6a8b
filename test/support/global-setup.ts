import { execFileSync } from 'node:child_process';

/**
 * Builds dist/ once before the run: CLI tests spawn the real `fieldnode` binary as a user
 * would, and must test the code as it is now, not a stale build.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
