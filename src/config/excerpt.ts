/**
 * How problems quote what they found. A config may hold anything: a password given as the
 * config file, a megabyte-long string, terminal escape sequences. A problem quotes only a
 * short, escaped piece of a value, enough to recognise a typo, too little to leak a secret
 * or to rewrite the technician's terminal.
 */
import { escapeUnsafe } from '../core/excerpt.js';

/** The most characters of a value a problem quotes. */
export const EXCERPT_LENGTH = 40;

/** The most characters of one problem's path or message: a line, not a page. */
export const MAX_LINE_LENGTH = 300;

/** The first `max` characters (code points, so a pair is never split), and whether more followed. */
function head(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  // 2 max + 2 code units hold at least max + 1 characters, when the text has that many.
  const characters = Array.from(text.slice(0, 2 * max + 2));
  return characters.length > max ? { text: characters.slice(0, max).join(''), cut: true } : { text, cut: false };
}

function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A string value as a problem quotes it: `"abc"`, or `"abcd…"… (5000 characters)` when long. */
export function quoteValue(value: string, max = EXCERPT_LENGTH): string {
  const piece = head(value, max);
  const quoted = escapeUnsafe(JSON.stringify(piece.text));
  return piece.cut ? `${quoted}… (${characterCount(value)} characters)` : quoted;
}

/** Free text (a parser's message, a path) cut to one line of at most `max` characters. */
export function clipLine(text: string, max = MAX_LINE_LENGTH): string {
  const piece = head(text, max);
  const escaped = escapeUnsafe(piece.text);
  return piece.cut ? `${escaped}…` : escaped;
}
