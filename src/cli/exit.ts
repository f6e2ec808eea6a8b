import { ConfigError, EXIT_CONFIG, FieldnodeError } from '../core/errors.js';

/**
 * Exit status for a command line that does not parse (EX_USAGE from sysexits.h): a typo in a
 * unit file or script shows as such, not as a node that failed.
 */
export const EXIT_USAGE = 64;

/**
 * Ends a command that failed: config problems exit 78 (EX_CONFIG) and list every problem;
 * explained failures print their explanation; anything else is a bug and prints its stack.
 */
export function failWith(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (error instanceof FieldnodeError) {
    process.stderr.write(`fieldnode: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`fieldnode: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
