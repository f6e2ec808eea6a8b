/**
 * The shape the design promises, checked on the source: no import cycle between the
 * runtime's folders, the runtime never imports the simulators, and the simulators see the
 * runtime only through its public entry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `src/<folder>` (a top-level file counts as its own folder), or the top-level folder outside src. */
function unitOf(path: string): string {
  const parts = relative('.', path).split('/');
  return parts[0] === 'src' ? `src/${parts[1]!.replace(/\.[jt]s$/, '')}` : parts[0]!;
}

/** Every relative import and re-export between units, type-only ones included. */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of [...sources('src'), ...sources('simulators'), ...sources('bin')]) {
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'|import\('(\.{1,2}\/[^']+)'\)/g)) {
      const target = resolve(dirname(file), (match[1] ?? match[2])!);
      const [from, to] = [unitOf(file), unitOf(target)];
      if (from === to) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(relative('.', target).startsWith('src/index') ? 'src/index' : to));
    }
  }
  return graph;
}

/** The cycles of a graph, as the members of each strongly connected component larger than one (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('architecture', () => {
  const graph = importGraph();

  it('has no import cycle between the folders of src/', () => {
    const runtime = new Map([...graph].filter(([from]) => from.startsWith('src/')).map(([from, to]) => [from, new Set([...to].filter((unit) => unit.startsWith('src/')))]));
    expect(cycles(runtime)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    expect(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]))).toEqual([['a', 'b', 'c']]);
  });

  it('keeps the runtime free of the simulators, and the simulators on the public entry', () => {
    const fromRuntime = [...graph].filter(([from]) => from.startsWith('src/')).flatMap(([from, to]) => [...to].filter((unit) => unit === 'simulators').map(() => from));
    expect(fromRuntime).toEqual([]);
    expect([...(graph.get('simulators') ?? [])].filter((unit) => unit !== 'src/index')).toEqual([]);
  });
});
