import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/core/backoff.js';
import { runCommand } from '../../src/uplink/commands.js';

const tree = 'fieldnode/site/node/';
const handlers = { rebirth: () => ({ boot: 3 }), fail: () => { throw new Error('board busy'); } };
const request = (verb: string, payload = '', responseTopic?: string) => ({ verb, payload: Buffer.from(payload), responseTopic });

describe('commands', () => {
  it('runs a known verb', () => {
    expect(runCommand(request('rebirth'), handlers, tree)).toEqual({ ok: true, result: { boot: 3 } });
    expect(runCommand(request('rebirth', '{}', `${tree}reply/42`), handlers, tree)).toEqual({ ok: true, result: { boot: 3 } });
  });

  it('rejects hostile and malformed requests with a reason', () => {
    expect(runCommand(request('shutdown'), handlers, tree)).toEqual({ ok: false, kind: 'unknown-command', error: 'unknown command "shutdown"; known: rebirth, fail' });
    expect(runCommand(request('__proto__'), handlers, tree)).toMatchObject({ ok: false, error: expect.stringMatching(/^unknown command/) });
    expect(runCommand(request('rebirth', '{"a":'), handlers, tree)).toEqual({ ok: false, kind: 'payload-not-json', error: 'payload is not JSON' });
    expect(runCommand(request('rebirth', '[1]'), handlers, tree)).toEqual({ ok: false, kind: 'payload-not-object', error: 'payload must be a JSON object' });
    expect(runCommand(request('rebirth', 'x'.repeat(5000)), handlers, tree)).toEqual({ ok: false, kind: 'payload-too-large', error: 'payload of 5000 bytes exceeds 4096' });
    expect(runCommand(request('fail'), handlers, tree)).toEqual({ ok: false, kind: 'command-refused', error: 'board busy' });
  });

  it('quotes a long or hostile verb only as a short escaped excerpt', () => {
    const outcome = runCommand(request(`\u202e${'A'.repeat(60_000)}`), handlers, tree);
    expect(outcome).toEqual({ ok: false, kind: 'unknown-command', error: `unknown command "\\u202e${'A'.repeat(58)}… (60001 characters)"; known: rebirth, fail` });
  });

  it('refuses response topics outside the node tree, with wildcards, or on its command topics', () => {
    for (const topic of ['elsewhere/reply', `${tree}reply/#`, `${tree}reply/`, `${tree}+/x`, `${tree}cmd/rebirth`, `${tree}station/data`, `${tree}status`]) {
      expect(runCommand(request('rebirth', '', topic), handlers, tree)).toMatchObject({ ok: false, kind: 'unsafe-response-topic', error: expect.stringMatching(/^response topic must be/) });
    }
  });
});

describe('reconnect backoff', () => {
  it('doubles its ceiling up to the cap, draws from the upper half, and resets', () => {
    const high = new Backoff({ initialDelayMs: 1000, maxDelayMs: 8000 }, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([1000, 2000, 4000, 8000, 8000]);
    const low = new Backoff({ initialDelayMs: 1000, maxDelayMs: 8000 }, () => 0);
    expect([1, 2, 3].map(() => low.next())).toEqual([500, 1000, 2000]);
    low.reset();
    expect(low.next()).toBe(500);
  });
});
