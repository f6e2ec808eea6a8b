import { createRequire } from 'node:module';
import { pino } from 'pino';
import type { Logger } from '../core/logger.js';
import type { LogFormat, LogLevel } from './log-options.js';

export { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log-options.js';

/**
 * Logs go to stderr, so stdout stays for data (the live tail, decoded tables). Pretty for a
 * person at a terminal, JSON lines for journald and log shippers.
 */
export function createLogger(options: { level?: LogLevel; format?: LogFormat } = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format === 'json') return pino({ level, base: { name: 'fieldnode' } }, pino.destination({ fd: 2, sync: true }));
  // Loaded only for pretty logs: a service logging JSON to journald never needs it.
  const { PinoPretty } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const pretty = PinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
  return pino({ level }, pretty);
}
