import { pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { Logger } from '../core/logger.js';

export type LogFormat = 'pretty' | 'json';

/**
 * Logs go to stderr, so stdout stays for data (the live tail, decoded tables). Pretty for a
 * person at a terminal, JSON lines for journald and log shippers.
 */
export function createLogger(options: { level?: string; format?: LogFormat } = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format === 'json') return pino({ level, base: { name: 'fieldnode' } }, pino.destination({ fd: 2, sync: true }));
  const pretty = PinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
  return pino({ level }, pretty);
}
