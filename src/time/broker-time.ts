/**
 * The time message from the broker side: one topic for every node under a prefix
 * (`{prefix}/time`), for gateways that reach a broker but no NTP server. The payload is JSON
 * `{ "time": "<ISO 8601 with Z or an offset>" }` or `{ "time": <epoch ms> }`, or a bare epoch-ms
 * number. A retained message is a stored, stale time and is ignored, as is anything malformed
 * or before the build date: counted and logged, never thrown.
 */
import type { OfferOutcome, TrustedTime } from '../core/trusted-time.js';

/** Time messages are tiny; anything longer is not one. */
const MAX_PAYLOAD_BYTES = 256;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The epoch milliseconds a time message carries, or why it carries none. */
export function parseTimeMessage(payload: Buffer): { ms: number } | { error: string } {
  if (payload.length > MAX_PAYLOAD_BYTES) return { error: `${payload.length} bytes, more than a time message` };
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { error: 'not JSON' };
  }
  const time = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { time?: unknown }).time : body;
  if (typeof time === 'number') return Number.isSafeInteger(time) && time > 0 ? { ms: time } : { error: 'time is not epoch milliseconds' };
  if (typeof time === 'string' && ISO_UTC.test(time)) {
    const ms = Date.parse(time);
    if (Number.isFinite(ms)) return { ms };
  }
  return { error: 'no "time" as ISO 8601 with a zone (2026-11-21T06:30:00Z) or epoch milliseconds' };
}

/** What became of one message, for counting: accepted, or the kind of problem it is. */
export type TimeMessageOutcome = 'accepted' | 'time-message-retained' | 'time-message-malformed' | 'time-message-before-build-date' | 'time-message-disagrees' | 'time-message-too-far';

/** Offers a received time message to the trusted time. */
export function receiveTimeMessage(message: { readonly payload: Buffer; readonly retain?: boolean | undefined }, time: TrustedTime): { outcome: TimeMessageOutcome; detail: string } {
  if (message.retain) return { outcome: 'time-message-retained', detail: 'a retained time message is a stored, stale time' };
  const parsed = parseTimeMessage(message.payload);
  if ('error' in parsed) return { outcome: 'time-message-malformed', detail: parsed.error };
  const outcome: OfferOutcome = time.offer(parsed.ms, 'broker');
  const detail = new Date(parsed.ms).toISOString();
  switch (outcome) {
    case 'set':
    case 'corrected':
    case 'agrees':
    case 'not-allowed':
      return { outcome: 'accepted', detail };
    case 'before-build-date':
      return { outcome: 'time-message-before-build-date', detail };
    case 'disagrees':
      return { outcome: 'time-message-disagrees', detail: `${detail}: the clock is trusted from ${time.source ?? 'elsewhere'} and disagrees by more than the bound; not applied` };
    case 'too-far':
      return { outcome: 'time-message-too-far', detail: `${detail}: more than the bound a broker message may move a trusted clock; not applied` };
  }
}
