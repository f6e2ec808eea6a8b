import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommandRefusal, runCommand } from '../../src/uplink/commands.js';

const tree = 'fieldnode/site/node/';
const handlers = {
  rebirth: { argument: z.strictObject({}), run: () => ({ boot: 3 }) },
  fail: { argument: z.strictObject({}), run: () => { throw new Error('board busy'); } },
  wait: { argument: z.strictObject({ board: z.string(), timeoutMs: z.number().int().max(100).default(10) }), run: async (argument: { board: string; timeoutMs: number }) => ({ ...argument }) },
  busy: { argument: z.strictObject({}), run: async () => { throw new CommandRefusal('busy: later', 'busy'); } },
};
const request = (verb: string, payload = '', responseTopic?: string) => ({ verb, payload: Buffer.from(payload), responseTopic });

describe('commands', () => {
  it('runs a known verb', async () => {
    expect(await runCommand(request('rebirth'), handlers, tree)).toEqual({ ok: true, result: { boot: 3 } });
    expect(await runCommand(request('rebirth', '{}', `${tree}reply/42`), handlers, tree)).toEqual({ ok: true, result: { boot: 3 } });
    expect(await runCommand(request('wait', '{"board":"b"}'), handlers, tree)).toEqual({ ok: true, result: { board: 'b', timeoutMs: 10 } });
  });

  it('rejects hostile and malformed requests with a reason', async () => {
    expect(await runCommand(request('shutdown'), handlers, tree)).toEqual({ ok: false, kind: 'unknown-command', error: 'unknown command "shutdown"; known: rebirth, fail, wait, busy' });
    expect(await runCommand(request('__proto__'), handlers, tree)).toMatchObject({ ok: false, error: expect.stringMatching(/^unknown command/) });
    expect(await runCommand(request('rebirth', '{"a":'), handlers, tree)).toEqual({ ok: false, kind: 'payload-not-json', error: 'payload is not JSON' });
    expect(await runCommand(request('rebirth', '[1]'), handlers, tree)).toEqual({ ok: false, kind: 'payload-not-object', error: 'payload must be a JSON object' });
    expect(await runCommand(request('rebirth', 'x'.repeat(5000)), handlers, tree)).toEqual({ ok: false, kind: 'payload-too-large', error: 'payload of 5000 bytes exceeds 4096' });
    expect(await runCommand(request('fail'), handlers, tree)).toEqual({ ok: false, kind: 'command-refused', error: 'board busy' });
    expect(await runCommand(request('busy'), handlers, tree)).toEqual({ ok: false, kind: 'busy', error: 'busy: later' });
  });

  it('rejects a bad argument with the path of every problem', async () => {
    expect(await runCommand(request('wait', '{"timeoutMs":1000,"extra":1}'), handlers, tree)).toEqual({
      ok: false,
      kind: 'bad-argument',
      error: 'bad argument: board: Invalid input: expected string, received undefined (and 2 more)',
      problems: [
        { path: 'board', message: 'Invalid input: expected string, received undefined' },
        { path: 'timeoutMs', message: 'Too big: expected number to be <=100' },
        { path: '', message: 'unknown key(s) "extra"' },
      ],
    });
  });

  it('refuses a known verb the allow-list does not name, as not allowed', async () => {
    expect(await runCommand(request('fail'), handlers, tree, ['rebirth'])).toEqual({ ok: false, kind: 'not-allowed', error: 'command "fail" is not allowed on this node (commands.allow: rebirth)' });
  });

  it('quotes a long or hostile verb only as a short escaped excerpt', async () => {
    const outcome = await runCommand(request(`\u202e${'A'.repeat(60_000)}`), handlers, tree);
    expect(outcome).toEqual({ ok: false, kind: 'unknown-command', error: `unknown command "\\u202e${'A'.repeat(58)}… (60001 characters)"; known: rebirth, fail, wait, busy` });
  });

  it('refuses response topics outside the node tree, with wildcards, or on its command topics', async () => {
    for (const topic of ['elsewhere/reply', `${tree}reply/#`, `${tree}reply/`, `${tree}+/x`, `${tree}cmd/rebirth`, `${tree}station/data`, `${tree}status`]) {
      expect(await runCommand(request('rebirth', '', topic), handlers, tree)).toMatchObject({ ok: false, kind: 'unsafe-response-topic', error: expect.stringMatching(/^response topic must be/) });
    }
  });
});
