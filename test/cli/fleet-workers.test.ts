/**
 * `fieldnode fleet --workers 2`: 20 nodes spread over two worker threads against mosquitto,
 * restarted mid-run; the consumer in the main thread receives every acknowledged reading
 * exactly once, from every node, and the report adds up the workers' counts.
 */
import { expect, it } from 'vitest';
import { describeWithBinary } from '../support/binaries.js';
import { runCli } from '../support/cli.js';

const count = (text: string, pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? Number.NaN);

describeWithBinary('mosquitto', 'mosquitto', 'fieldnode fleet over worker threads, mosquitto', () => {
  it('delivers every reading of 20 nodes over 2 workers once, through a broker restart', async () => {
    const result = await runCli(['fleet', '--nodes', '20', '--sensors', '6', '--rate', '2', '--broker', 'mosquitto', '--workers', '2', '--duration', '6s', '--restart-broker-at', '2s', '--broker-down', '2s']);
    expect(result.stderr).not.toContain('    at ');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^nodes 20 × 6 sensors, [\d.]+ s, over 2 worker threads$/m);
    const produced = count(result.stdout, /readings produced (\d+)/);
    const sent = count(result.stdout, /sent (\d+) \(acknowledged by the broker\)/);
    const received = count(result.stdout, /received (\d+)\n/);
    // Every node produced at 2 Hz × 6 sensors for most of the 6 s, and all of it arrived: none left, none lost.
    expect(produced).toBeGreaterThan(20 * 6 * 2 * 4);
    expect(sent).toBe(produced);
    expect(received).toBe(sent);
    expect(result.stdout).toContain('left in outboxes 0 readings, dropped by nodes 0, lost 0');
    const [, packsSent, packsReceived] = /packs sent (\d+), received (\d+)/.exec(result.stdout) ?? [];
    expect(packsReceived).toBe(packsSent);
    // Every node connected again after the restart: the workers' connection counts reach the histogram.
    const after = [...result.stdout.matchAll(/^ {2}\+ ?\d+ s +(\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(after).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
