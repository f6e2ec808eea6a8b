/**
 * When the node tries its broker again. Two kinds of failure call for different waits:
 *
 * - The broker answered and refused the node (bad credentials, not authorized, client id
 *   rejected, server busy, a TLS rejection), or accepted a connection and dropped it within
 *   seconds: retrying soon changes nothing and loads a broker that may be struggling, so the
 *   delay backs off exponentially up to `broker.reconnect.maxDelayMs` (60 s).
 * - Nothing answered: the connection was refused by the host (no broker listening), reset,
 *   timed out, the network is unreachable or DNS is temporarily failing. The broker or the
 *   link is down and may come back at any moment, and each failed attempt costs one TCP
 *   handshake, so the delay still grows with jitter but never beyond 5 s: the node is back
 *   within about 5 s of its broker, not up to a minute later.
 *
 * A fleet still does not return in lockstep: every delay is drawn uniformly from 100 ms up to
 * its whole ceiling (full jitter), so 1,000 nodes spread their reconnections evenly over the
 * 5 s after their broker returns, about 200 a second, instead of 400 a second over 2.5 s to 5 s.
 */
import type { Backoff } from '../core/backoff.js';

/** Why an attempt failed, as far as the reconnection delay cares. */
export type FailureCause = 'refused' | 'unreachable';

/** Longest wait between attempts while the broker cannot be reached at all. */
export const UNREACHABLE_MAX_DELAY_MS = 5000;

/** Socket failures that mean "nobody there" rather than "not you". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'EPIPE', 'EAI_AGAIN']);

/**
 * Classifies a closed connection from the last error seen on it (if any) and whether the
 * broker had accepted it. A connection the broker accepted and then dropped counts as refused:
 * a clientId taken over by a twin, or a refused packet, must not become a tight reconnect loop.
 */
export function failureCause(error: { readonly code?: string | number; readonly message?: string } | undefined, wasConnected: boolean): FailureCause {
  if (wasConnected) return 'refused';
  // No CONNACK and no refusal: the broker died during the handshake or never answered it.
  if (error === undefined || /connack timeout/i.test(error.message ?? '')) return 'unreachable';
  return typeof error.code === 'string' && UNREACHABLE_CODES.has(error.code) ? 'unreachable' : 'refused';
}

/** The delay before the next attempt after a failure of this cause; counts the failure. */
export function reconnectDelay(backoff: Backoff, cause: FailureCause): number {
  return cause === 'unreachable' ? backoff.next(UNREACHABLE_MAX_DELAY_MS) : backoff.next();
}
