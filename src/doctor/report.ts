/**
 * What `fieldnode doctor` reports: one result per check, in words a technician acts on. A
 * warning lets the node run (something to look at); a failure means it will not work as set up.
 */

/** How a check came out. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One line of the report (and one element of `--json`). */
export interface CheckResult {
  /** What was checked, e.g. `broker login` or `port /dev/ttyUSB0`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** What to do about a warning or a failure. */
  readonly advice?: string;
}

/** A passed check. */
export function pass(check: string, detail: string): CheckResult {
  return { check, status: 'pass', detail };
}

/** A check that found something to look at, which does not stop the node. */
export function warn(check: string, detail: string, advice: string): CheckResult {
  return { check, status: 'warn', detail, advice };
}

/** A check that found what keeps the node from working. */
export function fail(check: string, detail: string, advice: string): CheckResult {
  return { check, status: 'fail', detail, advice };
}

/** Whether a run of checks found nothing that fails (warnings allowed). */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.every((result) => result.status !== 'fail');
}

/** The first-level reason of an error, as a code when it has one (EACCES, ENOENT). */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
