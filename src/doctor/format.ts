/** The report as a technician reads it: one line per check, the advice indented under it. */
import type { CheckResult } from './report.js';

/** `pass  broker login   connected as tls-node` and, for a warning or failure, `      → what to do`. */
export function formatResult(result: CheckResult): string[] {
  const head = `${result.status.padEnd(4)}  ${result.check}: ${result.detail}`;
  return result.advice === undefined ? [head] : [head, `      → ${result.advice}`];
}

/** The closing line: how many checks passed, warned and failed. */
export function formatSummary(results: readonly CheckResult[]): string {
  const count = (status: CheckResult['status']) => results.filter((result) => result.status === status).length;
  const failed = count('fail');
  const verdict = failed === 0 ? 'ready' : 'not ready';
  return `${verdict}: ${count('pass')} passed, ${count('warn')} warning(s), ${failed} failed`;
}

/** The `--json` form: the array of results, as they are. */
export function formatJson(results: readonly CheckResult[]): string {
  return JSON.stringify(results, null, 2);
}
