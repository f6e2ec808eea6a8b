import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/clock.js';
import { madeProgress, ProgressWatchdog, type PipelineSample } from '../../src/service/watchdog.js';

const INTERVAL_MS = 30_000;

/** A watchdog over a sample the test moves by hand, counting pings. */
function harness(initial: PipelineSample) {
  const clock = new VirtualClock();
  let sample = initial;
  const events: string[] = [];
  const watchdog = new ProgressWatchdog({
    clock,
    intervalMs: INTERVAL_MS,
    sample: () => sample,
    ping: () => events.push('ping'),
    onWedged: () => events.push('wedged'),
    onRecovered: () => events.push('recovered'),
  });
  watchdog.start();
  return {
    clock,
    events,
    watchdog,
    set: (next: Partial<PipelineSample>) => (sample = { ...sample, ...next }),
    pingsDuring: (ms: number) => {
      const before = events.filter((event) => event === 'ping').length;
      clock.advance(ms);
      return events.filter((event) => event === 'ping').length - before;
    },
  };
}

const busy: PipelineSample = { readings: 0, forwarded: 0, pending: 3, connected: true };

describe('madeProgress', () => {
  it('counts new readings or forwarder activity as progress', () => {
    expect(madeProgress(busy, { ...busy, readings: 1 })).toBe(true);
    expect(madeProgress(busy, { ...busy, forwarded: 1 })).toBe(true);
  });

  it('counts having nothing to do as progress: nothing pending, or no broker to send to', () => {
    expect(madeProgress(busy, { ...busy, pending: 0 })).toBe(true);
    expect(madeProgress(busy, { ...busy, connected: false })).toBe(true);
  });

  it('does not count a connected node sitting on pending packs while producing nothing', () => {
    expect(madeProgress(busy, busy)).toBe(false);
  });
});

describe('ProgressWatchdog on virtual time', () => {
  it('pings every half interval while readings flow', () => {
    const node = harness(busy);
    for (let second = 1; second <= 120; second++) {
      node.set({ readings: second, forwarded: second });
      node.clock.advance(1_000);
    }
    expect(node.events).toEqual(Array(8).fill('ping'));
  });

  it('stops pinging once the pipeline has been stalled for a whole interval, and resumes when it moves', () => {
    const node = harness(busy);
    expect(node.pingsDuring(INTERVAL_MS / 2)).toBe(1);
    // Stalled since the start: boards produce nothing, packs wait, the broker is connected.
    expect(node.pingsDuring(INTERVAL_MS / 2)).toBe(0);
    expect(node.pingsDuring(3 * INTERVAL_MS)).toBe(0);
    expect(node.events).toEqual(['ping', 'wedged']);
    node.set({ forwarded: 1 });
    expect(node.pingsDuring(INTERVAL_MS / 2)).toBe(1);
    expect(node.events.slice(-2)).toEqual(['recovered', 'ping']);
  });

  it('keeps pinging an idle node: no readings expected and nothing pending', () => {
    const node = harness({ readings: 0, forwarded: 0, pending: 0, connected: true });
    expect(node.pingsDuring(10 * INTERVAL_MS)).toBe(20);
    expect(node.events).not.toContain('wedged');
  });

  it('keeps pinging through a broker outage with a backlog and quiet boards', () => {
    const node = harness({ readings: 5, forwarded: 5, pending: 40, connected: false });
    expect(node.pingsDuring(10 * INTERVAL_MS)).toBe(20);
  });

  it('stop() cancels its timer', () => {
    const node = harness(busy);
    node.watchdog.stop();
    expect(node.clock.pendingTimers()).toBe(0);
    expect(node.pingsDuring(INTERVAL_MS)).toBe(0);
  });
});
