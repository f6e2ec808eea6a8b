/** What `--log-level` and `--log-format` accept: apart from the logger, so a verb's options cost nothing to register. */

/** The levels `--log-level` accepts: pino's, minus fatal and silent, which a node never needs. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The formats `--log-format` accepts. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
