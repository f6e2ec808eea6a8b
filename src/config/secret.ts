import { readFileSync, statSync } from 'node:fs';
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

/** A path to a file holding a secret (a password, a private key). */
export const secretPath = z.string().min(1);

/**
 * Reads a file holding a secret, refusing one that other users can read: a key or password
 * that anyone on the gateway can copy is not a secret any more (ssh refuses such keys too).
 */
export function readSecretFile(path: string): Buffer {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new FieldnodeError(`cannot read credential file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'SECRET', { cause: error });
  }
  if ((mode & 0o077) !== 0) {
    throw new FieldnodeError(`credential file ${path} can be read by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 ${path}`, 'SECRET');
  }
  return readFileSync(path);
}

/** Reads a secret at start-up, with an error that says where it was looked for (never its value). */
export function readSecret(source: SecretSource, environment: NodeJS.ProcessEnv = process.env): string {
  if ('env' in source) {
    const value = environment[source.env];
    if (value === undefined || value === '') {
      throw new FieldnodeError(`environment variable ${source.env} is not set (it holds a broker credential)`, 'SECRET');
    }
    return value;
  }
  return readSecretFile(source.file).toString('utf8').replace(/\r?\n$/, '');
}
