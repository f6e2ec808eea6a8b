import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../core/errors.js';
import { crossCheck } from './cross-check.js';
import { knownKeysAt } from './known-keys.js';
import { configSchema, type NodeConfig } from './schema.js';
import { didYouMean } from './suggest.js';

/** Renders a path the way people write it: `sensors[2].driver.key`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/**
 * Parses and validates config text. Throws a ConfigError that lists every problem at once:
 * YAML syntax, schema violations and cross-references, so one round of edits fixes them all.
 */
export function parseConfig(text: string, source = 'config'): NodeConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length === 0) return validateConfig(document.toJS() as unknown, source);
  const problems: ConfigProblem[] = document.errors.map((error) => ({
    path: yamlPosition(error.linePos?.[0]),
    message: (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, ''),
  }));
  // Some YAML errors (a repeated key) still leave a usable document: check it too, so the
  // syntax error does not hide the other problems.
  try {
    validateConfig(document.toJS() as unknown, source);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
  }
  throw new ConfigError(problems, source);
}

/** Validates an already parsed config object (from YAML, JSON or code). */
export function validateConfig(raw: unknown, source = 'config'): NodeConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  const problems: ConfigProblem[] = result.success ? [] : result.error.issues.flatMap(describeIssueIn(configSchema));
  problems.push(...crossCheck(raw));
  if (problems.length > 0 || !result.success) throw new ConfigError(dedupe(problems), source);
  return result.data;
}

/** Reads and validates a config file. */
export function loadConfigFile(path: string): NodeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: '', message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }], path);
  }
  return parseConfig(text, path);
}

/** One schema issue in words, with its path; the same wording for configs, board profiles and scenarios. */
export function describeIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  return describe(issue, undefined);
}

/**
 * describeIssue for issues of `schema` (parsed with reportInput): an unknown key also gets
 * the nearest key that schema allows there, the way a misspelt value gets the nearest valid one.
 */
export function describeIssueIn(schema: z.ZodType): (issue: z.core.$ZodIssue) => ConfigProblem[] {
  return (issue) => describe(issue, schema);
}

function describe(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): ConfigProblem[] {
  const path = formatPath(issue.path);
  // A near name would echo part of a misspelt value: not under a credential-like key.
  const suggest = (input: unknown, names: readonly unknown[]) => (SECRET_PATH.test(path) ? '' : didYouMean(input, names.filter((name) => typeof name === 'string')));
  switch (issue.code) {
    case 'unrecognized_keys': {
      const present = new Set(typeof issue.input === 'object' && issue.input !== null ? Object.keys(issue.input) : []);
      const known = schema ? knownKeysAt(schema, issue.path, issue.input).filter((key) => !present.has(key)) : [];
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `unknown key${didYouMean(key, known)}` }));
    }
    case 'invalid_union':
      if ('options' in issue && issue.options && issue.discriminator) {
        const known = issue.options.map((option) => JSON.stringify(option)).join(', ');
        const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        const input = value === undefined ? 'missing' : `got ${describeInput(value)}${suggest(value, issue.options)}`;
        return [{ path, message: `expected one of ${known}; ${input}` }];
      }
      return [{ path, message: issue.message }];
    case 'invalid_type':
      return [{ path, message: issue.input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${describeInput(issue.input, path)}` }];
    case 'invalid_value': {
      const got = 'input' in issue && issue.input !== undefined ? `; got ${describeInput(issue.input, path)}${suggest(issue.input, issue.values)}` : '';
      return [{ path, message: `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}${got}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** Names what was found; never echoes what sits under a credential-like key. */
function describeInput(input: unknown, path = ''): string {
  if (input === null) return 'null';
  if (SECRET_PATH.test(path)) return typeof input;
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

const SECRET_PATH = /(password|secret|token)(\.|\[|$)/i;

function yamlPosition(position: { line: number; col: number } | undefined): string {
  return position ? `line ${position.line}, column ${position.col}` : '';
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
