/** `fieldnode fleet` refuses what it cannot do in one line each, never with a stack trace. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('fieldnode fleet, bad input', () => {
  it('refuses a node count that is not a whole number from 1, as a usage error', async () => {
    const result = await runCli(['fleet', '--nodes', '0']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('expected a whole number from 1');
  });

  it('refuses a worker count that is not a whole number from 1 or auto, or more workers than nodes', async () => {
    for (const bad of ['0', '1.5', 'many', '65']) {
      const result = await runCli(['fleet', '--nodes', '4', '--workers', bad]);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain('expected a whole number from 1 to 64, or auto (one per core but one)');
      expect(result.stderr).not.toContain('    at ');
    }
    const tooMany = await runCli(['fleet', '--nodes', '2', '--workers', '3']);
    expect(tooMany.stderr).toBe('fieldnode: --workers 3 is more threads than --nodes 2: at most one worker per node\n');
    expect(tooMany.code).toBe(1);
  });

  it('restarts only a broker it started itself', async () => {
    const result = await runCli(['fleet', '--nodes', '2', '--broker', 'mqtt://127.0.0.1:1', '--restart-broker-at', '5s']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('fieldnode: --restart-broker-at needs a broker the fleet starts itself (--broker embedded or --broker mosquitto), not mqtt://127.0.0.1:1\n');
  });

  it('says that nothing listens at a broker URL, without a stack', async () => {
    const result = await runCli(['fleet', '--nodes', '2', '--broker', 'mqtt://127.0.0.1:1', '--duration', '2s']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot connect to the broker at mqtt://127.0.0.1:1 (ECONNREFUSED)');
    expect(result.stderr).not.toContain('    at ');
  });

  it('runs two nodes on its own broker and reports every reading received, exiting 0', async () => {
    const result = await runCli(['fleet', '--nodes', '2', '--sensors', '3', '--duration', '2s']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^nodes 2 × 3 sensors/);
    const [, sent, received] = /sent (\d+) \(acknowledged by the broker\), received (\d+)/.exec(result.stdout) ?? [];
    expect(Number(sent)).toBeGreaterThan(0);
    expect(received).toBe(sent);
    expect(result.stdout).toContain('lost 0');
  });
});
