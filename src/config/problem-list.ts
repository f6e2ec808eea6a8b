import { ConfigError, formatProblems, type ConfigProblem } from '../core/errors.js';
import { clipLine } from './excerpt.js';

/**
 * The most problems listed. A real config has a handful; a file with thousands is the wrong
 * file or a generated one gone wrong, and printing every one would take longer and fill more
 * of a journal than the first few are worth.
 */
export const MAX_LISTED_PROBLEMS = 50;

/**
 * A ConfigError that lists the first MAX_LISTED_PROBLEMS problems and counts the rest, each
 * line clipped and escaped: however broken a file is, what it prints is small and readable.
 */
export class ConfigProblemList extends ConfigError {
  /** How many problems were found; `problems` holds the first MAX_LISTED_PROBLEMS of them. */
  readonly total: number;

  constructor(problems: readonly ConfigProblem[], source = 'config') {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS).map(clipProblem);
    const name = clipLine(source);
    super(shown, name);
    this.total = problems.length;
    const more = problems.length - shown.length;
    // A file that is no config at all (too large, not YAML, another file) is said in one line.
    const whole = problems.length === 1 && shown[0]!.path === '';
    this.message = whole
      ? `${name}: ${shown[0]!.message}`
      : `${name}: ${problems.length} problem(s)\n${formatProblems(shown)}${more > 0 ? `\n  ... and ${more} more problem(s)` : ''}`;
  }
}

function clipProblem(problem: ConfigProblem): ConfigProblem {
  return { path: clipLine(problem.path), message: clipLine(problem.message) };
}
