import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

