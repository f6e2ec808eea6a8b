/**
 * From YAML text to a plain value, safely: whatever a file holds (an alias bomb, a cycle, a
 * password file given by mistake), the outcome is a short list of problems, never a stack
 * trace, a minute of work or an echo of a secret.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { ConfigProblem } from '../core/errors.js';
import { clipLine } from './excerpt.js';

/**
 * How many times aliases (`*name`) may expand, counting aliases within aliases: enough to
 * share driver options among hundreds of sensors, far too few for a "billion laughs".
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * The most values (mappings, lists and scalars, aliases counted at every place they are
 * used) a config may hold. A config for a thousand sensors has some ten thousand; checking
 * many more takes seconds, and aliases can multiply a small file into billions.
 */
export const MAX_VALUES = 200_000;

/** What a file gave: a plain value and its YAML problems, or the one problem that stops reading it. */
export type ParsedText = { readonly raw: unknown; readonly problems: ConfigProblem[] } | { readonly fatal: ConfigProblem };

/** Parses YAML into a plain value with every syntax problem, or says why it cannot be a config. */
export function parseText(text: string, rootKeys: readonly string[]): ParsedText {
  // yaml's own repeated-key check compares every key with every other (minutes for a large
  // mapping): repeatedKeys does it in one pass instead.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter });
  const notConfig = notAConfig(document, rootKeys);
  if (notConfig !== undefined) return { fatal: { path: '', message: notConfig } };
  let raw: unknown;
  let repeated: ConfigProblem[];
  try {
    repeated = repeatedKeys(document, lineCounter);
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError for an excessive alias count.
    if (error instanceof ReferenceError) return { fatal: { path: '', message: `YAML aliases expand more than ${MAX_ALIAS_COUNT} times; write the repeated values out` } };
    if (error instanceof RangeError) return { fatal: { path: '', message: 'mappings or lists nested too deeply; a config needs a few levels' } };
    throw error;
  }
  const values = countValues(raw, MAX_VALUES);
  if (values === 'cycle') return { fatal: { path: '', message: 'a YAML alias refers to a mapping or list that contains it; a config cannot be endless' } };
  if (values > MAX_VALUES) return { fatal: { path: '', message: `more than ${MAX_VALUES} values (aliases counted where used); a config needs far fewer` } };
  const problems: ConfigProblem[] = document.errors.map((error) => ({
    path: yamlPosition(error.linePos?.[0]),
    // yaml's messages may quote the source (a tag, an escape): clipped and escaped.
    message: clipLine((error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '')),
  }));
  return { raw, problems: [...problems, ...repeated] };
}

/** A key given twice in one mapping, where it is given again (the later value would win silently). */
function repeatedKeys(document: Document, lineCounter: LineCounter): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (!seen.has(pair.key.value)) seen.add(pair.key.value);
        else problems.push({ path: yamlPosition(pair.key.range ? lineCounter.linePos(pair.key.range[0]) : undefined), message: 'Map keys must be unique' });
      }
    },
  });
  return problems;
}

/**
 * Why a document cannot be a config: its top is not a mapping, or a mapping with none of the
 * config's keys. Such a file is usually another one given by mistake (a password file, a key,
 * a log): it is named by kind only, since quoting it (or its syntax errors) could echo a secret.
 */
function notAConfig(document: Document, rootKeys: readonly string[]): string | undefined {
  const top = document.contents;
  // The first three name what every config has; the rest only tell a config from another file.
  const expected = `expected a mapping with ${rootKeys.slice(0, 3).join(', ')}`;
  if (top === null || (isScalar(top) && top.value === null)) return `${expected}; the file is empty`;
  if (isMap(top)) {
    const known = top.items.some((pair) => isScalar(pair.key) && rootKeys.includes(String(pair.key.value)));
    return known || top.items.length === 0 ? undefined : `${expected}; got a mapping with none of them: is this the config file?`;
  }
  const kind = isSeq(top) ? 'a list' : isScalar(top) ? `a ${typeof top.value === 'object' ? 'value' : typeof top.value}` : 'an alias';
  return `${expected}; got ${kind}: is this the config file?`;
}

/**
 * Counts the values in a plain value, a shared object (an alias) once for every place that
 * uses it, stopping as soon as the count passes `limit`. Each object is walked once, so an
 * alias bomb that passed the alias count cannot make this slow either.
 */
export function countValues(root: unknown, limit: number): number | 'cycle' {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const size = (value: unknown): number | 'cycle' => {
    if (value === null || typeof value !== 'object') return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (open.has(value)) return 'cycle';
    open.add(value);
    let total = 1;
    for (const child of Object.values(value)) {
      const childSize = size(child);
      if (childSize === 'cycle') return 'cycle';
      total += childSize;
      if (total > limit) break;
    }
    open.delete(value);
    sizes.set(value, total);
    return total;
  };
  return size(root);
}

function yamlPosition(position: { line: number; col: number } | undefined): string {
  return position ? `line ${position.line}, column ${position.col}` : '';
}
