import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readSecretFile, type SecretSource } from '../config/secret.js';
import { FieldnodeError } from '../core/errors.js';

/**
 * Whether a request carries the token: `Authorization: Bearer <token>`, or `?token=` in the
 * URL, which is how a browser opening the page or its event stream by address can carry it.
 * Compared as digests in constant time, so neither the length nor a prefix leaks by timing.
 */
export function carriesToken(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers.authorization;
  const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  const offered = bearer ?? url.searchParams.get('token') ?? undefined;
  return offered !== undefined && sameSecret(offered, token);
}

function sameSecret(offered: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(offered), digest(expected));
}

/** Reads the token at start, with an error that says where it was looked for (never its value). */
export function readHttpToken(source: SecretSource, environment: NodeJS.ProcessEnv = process.env): string {
  if ('env' in source) {
    const value = environment[source.env];
    if (value === undefined || value === '') throw new FieldnodeError(`environment variable ${source.env} is not set (it holds http.token, the page's token)`, 'SECRET');
    return value;
  }
  const token = readSecretFile(source.file).toString('utf8').replace(/\r?\n$/, '');
  if (token === '') throw new FieldnodeError(`credential file ${source.file} is empty (it holds http.token, the page's token)`, 'SECRET');
  return token;
}
