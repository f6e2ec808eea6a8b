import { execFileSync } from 'node:child_process';
import { avrToolchainMissing, buildFirmware } from './firmware.js';

/**
 * Builds dist/ once before the run: CLI tests spawn the real `fieldnode` binary as a user
 * would, and must test the code as it is now, not a stale build. Where the AVR toolchain is
 * installed, the sketches' .hex files too (incrementally): the firmware tests run the bytes
 * the sketches make now. Without it, those tests say why they skip (or fail, under CI).
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (avrToolchainMissing() === undefined) buildFirmware();
}
