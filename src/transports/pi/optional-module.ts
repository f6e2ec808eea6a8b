/**
 * Loads an optional native module (i2c-bus, node-libgpiod) at the moment a config first needs
 * it. Both build from source at install and npm leaves them out when that fails (no
 * libgpiod-dev, no compiler) or when optional dependencies are omitted: the node must still
 * install, build and run everything else, and say in one line what to install when a board
 * does ask for one.
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/**
 * A one-line explanation of a missing or broken optional module, for the error a driver
 * counts; `install` is what a technician runs, e.g. `npm install i2c-bus in fieldnode's directory`.
 * Short, since a counted problem's detail is cut at 120 characters.
 */
export function explainMissingModule(name: string, install: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    return `${name} is not installed: ${install}`;
  }
  // Present but unloadable: typically built for another Node.js version, or its shared library is gone.
  const reason = ((error as Error | undefined)?.message ?? String(error)).split('\n')[0];
  return `${name} is installed but does not load (${reason}): run npm rebuild ${name} in fieldnode's directory`;
}

/**
 * The module, loaded once and cached by Node; throws what `fail` makes of the failure so each
 * caller keeps its own error type and counted problem.
 */
export function loadOptionalModule<Module>(name: string, fail: (error: unknown) => Error): Module {
  try {
    return requireFromHere(name) as Module;
  } catch (error) {
    throw fail(error);
  }
}
