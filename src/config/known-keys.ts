/**
 * The keys a schema allows at a path, so an unknown key can be answered with the nearest
 * known one. zod's issue names the unknown key but not the object's shape: this walks the
 * schema along the path instead.
 */
import type { z } from 'zod';

/** The parts of zod's schema definitions this walk reads. */
interface Definition {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly values?: readonly unknown[];
}

const definition = (schema: z.ZodType): Definition => (schema as unknown as { _zod: { def: Definition } })._zod.def;

/**
 * Keys of the object(s) `schema` allows at `path`. Where a union leaves several objects,
 * `input` (the object found at `path`) picks the ones whose literal fields it matches, so a
 * driver's keys are suggested for that driver's `type` only.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input?: unknown): string[] {
  let candidates = expand(schema);
  for (const part of path) candidates = candidates.flatMap((candidate) => expand(...step(candidate, part)));
  const objects = candidates.filter((candidate) => definition(candidate).shape !== undefined);
  const matching = objects.filter((candidate) => matchesLiterals(definition(candidate).shape!, input));
  return [...new Set((matching.length > 0 ? matching : objects).flatMap((candidate) => Object.keys(definition(candidate).shape!)))];
}

/** Sees through wrappers (optional, default, pipe, lazy...) and unions to the schemas that check a value. */
function expand(...schemas: z.ZodType[]): z.ZodType[] {
  return schemas.flatMap((schema) => {
    const def = definition(schema);
    if (def.options) return expand(...def.options);
    if (def.innerType) return expand(def.innerType);
    if (def.type === 'pipe' && def.in) return expand(def.in);
    if (def.type === 'lazy' && def.getter) return expand(def.getter());
    return [schema];
  });
}

function step(schema: z.ZodType, part: PropertyKey): z.ZodType[] {
  const def = definition(schema);
  if (typeof part === 'number') return def.element ? [def.element] : [];
  const field = def.shape?.[String(part)];
  return field ? [field] : [];
}

function matchesLiterals(shape: Record<string, z.ZodType>, input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return true;
  return Object.entries(shape).every(([key, field]) => {
    const def = definition(field);
    return def.type !== 'literal' || !(key in input) || (def.values ?? []).includes((input as Record<string, unknown>)[key]);
  });
}
