import { z } from 'zod';
import type { ConfigProblem } from '../core/errors.js';
import { MAX_CONFIG_BYTES, readBounded } from './bounded-read.js';
import { hardwareCatalog, type Catalog } from '../catalog/catalog.js';
import { crossCheck, deviceChecks } from './cross-check.js';
import { homeAssistantProblems } from './homeassistant-check.js';
import { oldFormProblems } from './old-form.js';
import { checkSensors } from './sensor-check.js';
import { parseText } from './document.js';
import { escapeUnsafe } from '../core/excerpt.js';
import { EXCERPT_LENGTH, quoteValue } from './excerpt.js';
import { knownKeysAt } from './known-keys.js';
import { ConfigProblemList } from './problem-list.js';
import { configSchemaFor, documentedConfigSchemaFor, type NodeConfig } from './schema.js';
import { didYouMean } from './suggest.js';

/**
 * Renders a path the way people write it: `sensors[2].driver.key`. A key that is long or holds
 * control characters (it came from the file) is quoted as a short excerpt: `foo["a\u001b…"]`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    const name = String(part);
    if (typeof part === 'number') text += `[${part}]`;
    else if (name.length > EXCERPT_LENGTH || escapeUnsafe(name) !== name) text += `[${quoteValue(name)}]`;
    else text += text === '' ? name : `.${name}`;
  }
  return text;
}

/** The config's top-level keys: a file with none of them is not a config at all. */
const ROOT_KEYS = ['node', 'broker', 'boards', 'sensors', 'plugins', 'dataDir', 'outbox', 'batching'];

/**
 * Parses and validates config text. Throws a ConfigError that lists every problem at once:
 * YAML syntax, schema violations and cross-references, so one round of edits fixes them all.
 */
export function parseConfig(text: string, source = 'config', catalog: Catalog = hardwareCatalog): NodeConfig {
  const parsed = parseText(text, ROOT_KEYS);
  if ('fatal' in parsed) throw new ConfigProblemList([parsed.fatal], source);
  // Some YAML errors (a repeated key) still leave a usable document: check it too, so the
  // syntax error does not hide the other problems.
  const { data, problems } = check(parsed.raw, catalog);
  if (parsed.problems.length > 0 || data === undefined) throw new ConfigProblemList(dedupe([...parsed.problems, ...problems]), source);
  return data;
}

/** Validates an already parsed config object (from YAML, JSON or code). */
export function validateConfig(raw: unknown, source = 'config', catalog: Catalog = hardwareCatalog): NodeConfig {
  const { data, problems } = check(raw, catalog);
  if (problems.length > 0 || data === undefined) throw new ConfigProblemList(problems, source);
  return data;
}

/**
 * The schema's, the sensors' and the cross-checks' problems, all of them; the config when
 * there are none. A config in the old form gets only what changed: the rest would be noise.
 */
function check(raw: unknown, catalog: Catalog): { data: NodeConfig | undefined; problems: ConfigProblem[] } {
  const oldForm = oldFormProblems(raw, catalog);
  if (oldForm.length > 0) return { data: undefined, problems: oldForm };
  const result = configSchemaFor(catalog).safeParse(raw, { reportInput: true });
  const problems: ConfigProblem[] = result.success ? [] : result.error.issues.flatMap(describeIssueIn(documentedConfigSchemaFor(catalog)));
  const sensors = checkSensors(raw, catalog);
  problems.push(...sensors.problems, ...crossCheck(raw, catalog), ...deviceChecks(raw, sensors.parsed, catalog));
  problems.push(...homeAssistantProblems(raw));
  if (!result.success || problems.length > 0) return { data: undefined, problems: dedupe(problems) };
  const config: NodeConfig = { ...result.data, boards: result.data.boards.map((board, index) => ({ ...board, sensors: sensors.parsed[index] ?? [] })) } as NodeConfig;
  return { data: config, problems: [] };
}

/**
 * Reads and validates a config file. Its size is checked before it is read (MAX_CONFIG_BYTES),
 * so a wrong or hostile file is refused at once rather than parsed for minutes.
 */
export function loadConfigFile(path: string, catalog: Catalog = hardwareCatalog): NodeConfig {
  return parseConfig(readConfigText(path), path, catalog);
}

/** A config file's text, its size checked before it is read; a file that cannot be read is a config problem. */
export function readConfigText(path: string): string {
  const read = readBounded(path, MAX_CONFIG_BYTES);
  if (!read.ok) throw new ConfigProblemList([{ path: '', message: read.tooLarge ? `${read.reason}: is this the config file?` : `cannot read ${escapeUnsafe(path)}: ${read.reason}` }], path);
  return read.data.toString('utf8');
}

/**
 * The plain value a config file holds, read and parsed within the same bounds as
 * loadConfigFile but not validated; undefined when it cannot be (loading it says why).
 */
export function readRawConfig(path: string): unknown {
  try {
    const parsed = parseText(readConfigText(path), ROOT_KEYS);
    return 'fatal' in parsed ? undefined : parsed.raw;
  } catch {
    return undefined;
  }
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
        const input = value === undefined ? 'missing' : `got ${describeInput(value, formatPath([...issue.path, issue.discriminator]))}${suggest(value, issue.options)}`;
        return [{ path, message: `expected one of ${known}; ${input}` }];
      }
      return [{ path, message: issue.message }];
    case 'invalid_type':
      return [{ path, message: issue.input === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${describeInput(issue.input, path)}` }];
    case 'invalid_value': {
      const choices = issue.values.map((value) => JSON.stringify(value)).join(', ');
      // A missing choice is said to be missing: "expected one of" alone reads as a wrong value.
      if (!('input' in issue) || issue.input === undefined) return [{ path, message: `required: one of ${choices}` }];
      return [{ path, message: `expected one of ${choices}; got ${describeInput(issue.input, path)}${suggest(issue.input, issue.values)}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * Names what was found, quoting at most a short escaped excerpt of it; never what sits under a
 * credential-like key, nor a whole document that is a single value (a password file given as
 * the config is one string).
 */
function describeInput(input: unknown, path: string): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (SECRET_PATH.test(path) || path === '') return `a ${typeof input}`;
  return typeof input === 'string' ? `string ${quoteValue(input)}` : `${typeof input} ${String(input)}`;
}

const SECRET_PATH = /(password|secret|token)(\.|\[|$)/i;

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
