/**
 * How the runtime quotes untrusted input (a command verb from the network, a line from a
 * sensor) in logs and replies: a short piece, escaped, with its full length. A 60 KB verb
 * must not become a 60 KB log line or reply, nor may control characters rewrite a terminal.
 */

/** The most characters of untrusted input a log line or a reply quotes. */
export const EXCERPT_CHARS = 64;

// Control characters (C0, DEL, C1), format characters (bidirectional overrides that reorder
// what is shown), line separators and lone surrogates (invalid UTF-16 from a Buffer).
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

/** At most `max` characters of `text`, unsafe ones escaped; when cut, `…` and the full length follow. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  // Only a bounded head is looked at: the cost does not grow with the input.
  const head = text.slice(0, max + 1);
  let shown = '';
  let consumed = 0;
  for (const character of head) {
    const escaped = escapeUnsafe(character);
    if (shown.length + escaped.length > max) break;
    shown += escaped;
    consumed += character.length;
  }
  return consumed < text.length ? `${shown}… (${text.length} characters)` : shown;
}

/** Text that prints as what it is, on one line: control, format and separator characters and lone surrogates escaped. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (unsafe) => {
    const code = unsafe.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
