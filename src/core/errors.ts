/** One problem found in a config file, located by its path (`sensors[2].driver.key`). */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Base class so callers can tell fieldnode's own, explained failures from bugs. */
export class FieldnodeError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A device or bus that failed in a way with a name: `problem` is what the failure is counted
 * under (`no-device`, `busy`), the message what a technician checks next.
 */
export class DeviceError<Problem extends string> extends FieldnodeError {
  constructor(
    readonly problem: Problem,
    message: string,
    code: string,
    options?: { cause?: unknown },
  ) {
    super(message, code, options);
  }
}

/** A config that must not start anything; carries every problem so all are fixed in one go. */
export class ConfigError extends FieldnodeError {
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly source = 'config',
  ) {
    super(`${source}: ${problems.length} problem(s)\n${formatProblems(problems)}`, 'CONFIG');
  }
}

/** A port, broker or device that could not be reached, with a hint a technician can act on. */
export class TransportError extends FieldnodeError {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message}: ${hint}` : message, 'TRANSPORT', options);
  }
}

/** Renders problems one per line, the form `fieldnode validate` prints. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `  ${problem.path || '(root)'}: ${problem.message}`).join('\n');
}

/** Exit status for configuration errors (EX_CONFIG from sysexits.h), so supervisors can tell. */
export const EXIT_CONFIG = 78;
