/**
 * Preloaded (`node --import`) into a `fieldnode` child process: writes to the file named by
 * FIELDNODE_LOAD_LOG every module the process loaded, one URL or path a line, when it exits.
 * ES modules are seen by a resolve hook, CommonJS ones (and those that a createRequire loads)
 * in require's cache, so a test can tell which packages a command line brought in.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';

const log = process.env.FIELDNODE_LOAD_LOG;
if (log) {
  register('./load-recorder-hooks.mjs', import.meta.url, { data: { log } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(log, `${Object.keys(cache).join('\n')}\n`));
}
