import { FieldnodeError } from '../core/errors.js';
import { failWith } from './exit.js';

/**
 * Ends the command quietly (exit 0) when whatever reads stdout goes away, as `| head` does:
 * the reader has all it wanted, so an EPIPE is no failure and no stack trace. `stop` releases
 * what the command holds first (a pty, a timer).
 */
export function endQuietlyWhenStdoutCloses(stop: () => unknown = () => undefined): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') failWith(new FieldnodeError(`cannot write to stdout: ${error.message}`, 'OUTPUT', { cause: error }));
    void Promise.resolve()
      .then(stop)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
}
