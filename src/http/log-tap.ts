import type { Logger } from '../core/logger.js';

/** Where warnings and errors go besides the log. */
export type LogSink = (level: 'warn' | 'error', message: string, fields: object) => void;

/**
 * The node's logger, with every warning and error (of it and of its children) also handed to
 * `sink`, prefixed by the board or component it came from: the page shows the recent ones
 * without a technician reading the journal.
 */
export function tapLogger(logger: Logger, sink: LogSink, context = ''): Logger {
  const prefixed = (message: string) => (context ? `${context}: ${message}` : message);
  return {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn(fields, message) {
      logger.warn(fields, message);
      sink('warn', prefixed(message), fields);
    },
    error(fields, message) {
      logger.error(fields, message);
      sink('error', prefixed(message), fields);
    },
    child(bindings) {
      const named = bindings as { board?: unknown; component?: unknown };
      const label = typeof named.board === 'string' ? named.board : typeof named.component === 'string' ? named.component : '';
      return tapLogger(logger.child(bindings), sink, label || context);
    },
  };
}
