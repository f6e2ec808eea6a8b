import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { RequestResponse, type Settlement } from '../../src/drivers/request-response.js';

/** An exchange on a virtual clock that records every send, timeout and settlement. */
function exchange(options: { timeoutMs?: number; retries?: number; retryDelayMs?: number; buffered?: () => boolean } = {}) {
  const clock = new VirtualClock();
  const events: string[] = [];
  const under: RequestResponse<string> = new RequestResponse<string>({
    clock,
    timeoutMs: options.timeoutMs ?? 1000,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    send: (request, attempt) => events.push(`send ${request} #${attempt} at ${clock.monotonic()}`),
    beforeTimeout: () => {
      if (options.buffered?.()) under.answered();
    },
    onTimeout: (request, attempt) => events.push(`timeout ${request} #${attempt} at ${clock.monotonic()}`),
    onSettled: (request, how: Settlement) => events.push(`settled ${request} ${how} at ${clock.monotonic()}`),
  });
  return { clock, events, under };
}

describe('request/response exchange', () => {
  it('keeps one request in flight: a second is refused until the first settles', () => {
    const { clock, events, under } = exchange();
    expect(under.request('a')).toBe(true);
    expect(under.request('b')).toBe(false);
    expect(under.pending).toBe('a');
    clock.advance(300);
    expect(under.answered()).toBe('a');
    expect(under.pending).toBeUndefined();
    expect(under.request('b')).toBe(true);
    expect(events).toEqual(['send a #1 at 0', 'settled a answered at 300', 'send b #1 at 300']);
  });

  it('reports a silent device once, at the timeout, and frees the line', () => {
    const { clock, events, under } = exchange();
    under.request('a');
    clock.advance(999);
    expect(events).toEqual(['send a #1 at 0']);
    clock.advance(1);
    expect(events).toEqual(['send a #1 at 0', 'timeout a #1 at 1000', 'settled a timed-out at 1000']);
    clock.advance(10_000);
    expect(events).toHaveLength(3);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('ignores an answer that comes after its timeout', () => {
    const { clock, events, under } = exchange();
    under.request('a');
    clock.advance(1500);
    expect(under.answered()).toBeUndefined();
    expect(under.failed()).toBeUndefined();
    expect(events.filter((event) => event.startsWith('settled'))).toEqual(['settled a timed-out at 1000']);
  });

  it('takes an answer found in the buffer when the timer runs out, without counting a timeout', () => {
    const { clock, events, under } = exchange({ buffered: () => true });
    under.request('a');
    clock.advance(1000);
    expect(events).toEqual(['send a #1 at 0', 'settled a answered at 1000']);
  });

  it('retries after a timeout and after an unusable answer, pausing between attempts, then settles', () => {
    const { clock, events, under } = exchange({ retries: 2, retryDelayMs: 5 });
    under.request('a');
    clock.advance(1000); // attempt 1 times out
    expect(under.listening).toBe(false);
    expect(under.answered()).toBeUndefined(); // late answer to attempt 1, during the pause
    clock.advance(5);
    expect(under.failed()).toBe('a'); // attempt 2 answers badly at once
    clock.advance(5 + 1000); // attempt 3 times out: no attempts left
    expect(events).toEqual([
      'send a #1 at 0',
      'timeout a #1 at 1000',
      'send a #2 at 1005',
      'send a #3 at 1010',
      'timeout a #3 at 2010',
      'settled a timed-out at 2010',
    ]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('settles a retried request as answered when a later attempt succeeds', () => {
    const { clock, events, under } = exchange({ retries: 1 });
    under.request('a');
    clock.advance(1000);
    expect(under.listening).toBe(true); // no pause asked for: resent at once
    expect(under.answered()).toBe('a');
    expect(events).toEqual(['send a #1 at 0', 'timeout a #1 at 1000', 'send a #2 at 1000', 'settled a answered at 1000']);
  });

  it('settles an unusable answer as failed when no retry is allowed', () => {
    const { events, under } = exchange();
    under.request('a');
    expect(under.failed()).toBe('a');
    expect(events).toEqual(['send a #1 at 0', 'settled a failed at 0']);
  });

  it('cancels its timers on stop, settles nothing, and can be stopped twice', () => {
    const { clock, events, under } = exchange({ retries: 1, retryDelayMs: 5 });
    under.request('a');
    under.stop();
    under.stop();
    expect(clock.pendingTimers()).toBe(0);
    clock.advance(5000);
    expect(events).toEqual(['send a #1 at 0']);
    expect(under.pending).toBeUndefined();
    // Stopped in the pause before a retry: the retry never goes out.
    under.request('b');
    clock.advance(1000);
    under.stop();
    clock.advance(5000);
    expect(events.slice(1)).toEqual(['send b #1 at 5000', 'timeout b #1 at 6000']);
    expect(clock.pendingTimers()).toBe(0);
  });
});
