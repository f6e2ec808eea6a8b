import { pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { Logger } from '../core/logger.js';

/** The levels `--log-level` accepts: pino's, minus fatal and silent, which a node never needs. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The formats `--log-format` accepts. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Logs go to stderr, so stdout stays for data (the live tail, decoded tables). Pretty for a
 * person at a terminal, JSON lines for journald and log shippers.
 */
export function createLogger(options: { level?: LogLevel; format?: LogFormat } = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format === 'json') return pino({ level, base: { name: 'fieldnode' } }, pino.destination({ fd: 2, sync: true }));
  const pretty = PinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
  return pino({ level }, pretty);
}
