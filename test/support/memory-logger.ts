import type { Logger } from '../../src/core/logger.js';

/** A log line as a test sees it. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: object;
}

/** A Logger that keeps what it is told, so tests can assert that a problem was explained. */
export function memoryLogger(entries: LogEntry[] = [], bindings: object = {}): Logger & { entries: LogEntry[] } {
  const log = (level: LogEntry['level']) => (fields: object, message: string) => void entries.push({ level, message, fields: { ...bindings, ...fields } });
  return {
    entries,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more: object) => memoryLogger(entries, { ...bindings, ...more }),
  };
}
