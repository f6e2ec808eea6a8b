/**
 * How soon the node is back after its broker returns, in virtual time: outages of 10 s,
 * 3 min and 30 min, each for many jitter draws, with the delays the uplink uses.
 */
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/core/backoff.js';
import { VirtualClock } from '../../src/core/clock.js';
import { failureCause, reconnectDelay, UNREACHABLE_MAX_DELAY_MS } from '../../src/uplink/reconnect-policy.js';

/** The configured defaults: broker.reconnect.initialDelayMs and maxDelayMs. */
const RECONNECT = { initialDelayMs: 1000, maxDelayMs: 60_000 };

/** A repeatable stand-in for Math.random. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A stable connection is lost at time 0 (the broker stops, the host then refuses every TCP
 * connection) and the broker is back at `outageMs`. Returns how long after its return the
 * first attempt succeeds, and how many attempts failed meanwhile.
 */
function reconnectAfter(outageMs: number, seed: number): { lateMs: number; attempts: number } {
  const clock = new VirtualClock();
  const backoff = new Backoff(RECONNECT, seeded(seed));
  let attempts = 0;
  let connectedAt: number | undefined;
  const attempt = () => {
    if (clock.monotonic() >= outageMs) {
      connectedAt = clock.monotonic();
      return;
    }
    attempts++;
    clock.setTimeout(attempt, reconnectDelay(backoff, failureCause(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1883'), { code: 'ECONNREFUSED' }), false)));
  };
  // The connection that was lost had lasted: the uplink had reset its backoff.
  clock.setTimeout(attempt, reconnectDelay(backoff, failureCause(undefined, true)));
  clock.advance(outageMs + 2 * RECONNECT.maxDelayMs);
  if (connectedAt === undefined) throw new Error('never reconnected');
  return { lateMs: connectedAt - outageMs, attempts };
}

describe('reconnection after an outage (virtual time)', () => {
  for (const [label, outageMs] of [
    ['10 s', 10_000],
    ['3 min', 180_000],
    ['30 min', 1_800_000],
  ] as const) {
    it(`is back within ${UNREACHABLE_MAX_DELAY_MS / 1000} s of the broker after a ${label} outage`, () => {
      const runs = Array.from({ length: 200 }, (_, seed) => reconnectAfter(outageMs, seed + 1));
      const worst = Math.max(...runs.map((run) => run.lateMs));
      expect({ label, worstLateMs: worst <= UNREACHABLE_MAX_DELAY_MS ? 'within the cap' : worst }).toEqual({ label, worstLateMs: 'within the cap' });
      // Cheap probes, not a tight loop: about (100 ms + 5 s) / 2 apart on average, and never a burst.
      const mostAttempts = Math.max(...runs.map((run) => run.attempts));
      expect(mostAttempts).toBeLessThanOrEqual(Math.ceil(outageMs / 2000) + 5);
    });
  }

  it('still backs off to the full minute against a broker that refuses the node', () => {
    const backoff = new Backoff(RECONNECT, () => 1);
    const notAuthorized = Object.assign(new Error('Connection refused: Not authorized'), { code: 135 });
    const delays = Array.from({ length: 9 }, () => reconnectDelay(backoff, failureCause(notAuthorized, false)));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('spreads a fleet that lost its broker for 5 s over the 5 s after its return', () => {
    // 1,000 nodes cut off at the same moment: the first draws, up to 1 s and 2 s, are the
    // ones full jitter spreads; drawing from the upper half brought half the fleet back in the first second.
    const perSecond = Array.from({ length: 5 }, () => 0);
    for (let node = 1; node <= 1000; node++) perSecond[Math.floor(reconnectAfter(5000, node).lateMs / 1000)]! += 1;
    expect(Math.max(...perSecond)).toBeLessThan(400);
    for (const count of perSecond) expect(count).toBeGreaterThan(30);
  });
});

describe('failure causes', () => {
  const error = (code: string | number, message = 'x') => Object.assign(new Error(message), { code });

  it('calls socket failures and missing answers unreachable', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']) expect(failureCause(error(code), false)).toBe('unreachable');
    expect(failureCause(new Error('connack timeout'), false)).toBe('unreachable');
    expect(failureCause(undefined, false)).toBe('unreachable');
  });

  it('calls refusals, TLS rejections, unknown names and dropped sessions refused', () => {
    for (const code of [135, 134, 5, 4, 133, 137, 'ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT']) expect(failureCause(error(code), false)).toBe('refused');
    expect(failureCause(undefined, true)).toBe('refused');
    expect(failureCause(error('ECONNRESET'), true)).toBe('refused');
  });
});
