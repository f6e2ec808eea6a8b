import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FieldnodeError } from '../core/errors.js';

/**
 * Where a credential comes from. Never inline: config files get copied, committed and
 * pasted into tickets; an environment variable or a root-only file does not.
 */
export const secretSource = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }),
  z.strictObject({ file: z.string().min(1) }),
], { error: 'give { env: VARIABLE } or { file: PATH }; credentials are never written inline' });

export type SecretSource = z.infer<typeof secretSource>;

/** Reads a secret at start-up, with an error that says where it was looked for (never its value). */
export function readSecret(source: SecretSource, environment: NodeJS.ProcessEnv = process.env): string {
  if ('env' in source) {
    const value = environment[source.env];
    if (value === undefined || value === '') {
      throw new FieldnodeError(`environment variable ${source.env} is not set (it holds a broker credential)`, 'SECRET');
    }
    return value;
  }
  try {
    return readFileSync(source.file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new FieldnodeError(`cannot read credential file ${source.file}: ${(error as Error).message}`, 'SECRET', { cause: error });
  }
}
