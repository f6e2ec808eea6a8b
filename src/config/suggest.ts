/**
 * "Did you mean": the valid names nearest to a misspelt one, so a config error names the fix
 * (`maxbotics` → `maxbotix`). The distance is Damerau-Levenshtein in its restricted form
 * (optimal string alignment), as git and commander use: a swap of two neighbours is one edit.
 */

/** Edits (insert, delete, substitute, swap neighbours) between two strings, ignoring case. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  // Rows i-2, i-1 and i of the distance table.
  let before = new Array<number>(y.length + 1).fill(0);
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row.push(best);
    }
    before = previous;
    previous = row;
  }
  return previous[y.length]!;
}

/**
 * The names close enough to `input` to be what was meant, nearest first (at most three):
 * within a third of its length in edits, or one a prefix of the other (`modbus`, `modbus-rtu`).
 */
export function nearestNames(input: string, names: readonly string[]): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  const lower = input.slice(0, 256).toLowerCase();
  const scored = names
    .filter((name) => name !== input)
    // Lengths further apart than the limit are further apart in edits too: a megabyte-long
    // value is not compared character by character with every name.
    .map((name) => ({ name, distance: Math.abs(input.length - name.length) > limit ? Infinity : editDistance(input, name), prefix: isPrefixPair(lower, name.toLowerCase()) }))
    .filter((candidate) => candidate.distance <= limit || candidate.prefix);
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((candidate) => candidate.distance));
  return scored.filter((candidate) => candidate.distance === best).slice(0, 3).map((candidate) => candidate.name);
}

/** `; did you mean "a" or "b"?`, or nothing when no name is near. */
export function didYouMean(input: unknown, names: readonly string[]): string {
  if (typeof input !== 'string' || input === '') return '';
  const near = nearestNames(input, names);
  if (near.length === 0) return '';
  const quoted = near.map((name) => JSON.stringify(name));
  return `; did you mean ${quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}` : quoted[0]!}?`;
}

function isPrefixPair(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short);
}
