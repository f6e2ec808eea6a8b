/**
 * One node per data directory, between real `fieldnode run` processes: a second one on the
 * same directory leaves at once with one line naming the first; a node killed with SIGKILL
 * leaves no lock behind that could keep the next start from running.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FieldnodeConsumer, type ConsumedPack } from '../../src/consumer/consumer.js';
import { describeWithBinary } from '../support/binaries.js';
import { writeStationConfig } from '../support/config-file.js';
import { RunningCli, runCli } from '../support/cli.js';
import { waitUntil } from '../support/collector.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

describeWithBinary('mosquitto', 'mosquitto', 'one node per data directory (real processes)', () => {
  let broker: MosquittoBroker;
  let packs: ConsumedPack[];
  let consumer: FieldnodeConsumer;
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-lock-cli-'));
  const nodeDir = join(dataDir, 'lock-node');
  const config = join(dataDir, 'node.yaml');

  beforeAll(async () => {
    broker = await startMosquitto();
    packs = [];
    consumer = await FieldnodeConsumer.connect(broker.url, { onPack: (pack) => packs.push(pack) });
    writeStationConfig(config, { nodeId: 'lock-node', dataDir, brokerUrl: broker.url, intervalMs: 20, maxReadings: 4 });
  });
  afterAll(async () => {
    await consumer?.close();
    await broker?.close();
  });

  const packsOfBoot = (boot: number) => packs.filter((pack) => pack.node === 'lock-node' && pack.boot === boot && !pack.historical).length;

  it('refuses a second node on the same directory at once, in one line naming the first, and the first keeps publishing', async () => {
    const first = new RunningCli(['run', config, '--log-format', 'json']);
    await first.waitForStderr(/"msg":"node started"/);
    await waitUntil(() => packsOfBoot(1) >= 3, 10_000, () => `packs of the first node; its stderr:\n${first.stderr}`);

    const started = Date.now();
    const second = await runCli(['run', config, '--log-format', 'json']);
    const elapsedMs = Date.now() - started;
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `fieldnode: another process (PID ${first.child.pid}) is running a node on ${nodeDir}: one node per data directory; stop that one first, or give this one another dataDir\n`,
    );
    // At once: no connection attempt, no retry loop (the time is mostly Node starting up).
    expect(elapsedMs).toBeLessThan(5_000);

    const before = packsOfBoot(1);
    await waitUntil(() => packsOfBoot(1) >= before + 5, 10_000, () => `the first node to keep publishing; its stderr:\n${first.stderr}`);
    expect(first.child.exitCode).toBeNull();
    expect(await first.signal('SIGINT')).toBe(0);
    // The refused node took no boot epoch: the next start is boot 2.
    const next = new RunningCli(['run', config, '--log-format', 'json']);
    await next.waitForStderr(/"boot":2/);
    expect(await next.signal('SIGINT')).toBe(0);
  });

  it('starts on a directory whose node was killed with SIGKILL, and refuses a second one naming the new holder', async () => {
    const killed = new RunningCli(['run', config, '--log-format', 'json']);
    await killed.waitForStderr(/"msg":"node started"/);
    expect(await killed.signal('SIGKILL')).toBe(-1);
    // The killed node's PID is still written down: the lock does not depend on it.
    expect(readFileSync(join(nodeDir, 'node.pid'), 'utf8')).toBe(`${killed.child.pid}\n`);

    const restarted = new RunningCli(['run', config, '--log-format', 'json']);
    await restarted.waitForStderr(/"msg":"node started"/);
    const boot = Number(/"boot":(\d+)/.exec(restarted.stderr)?.[1]);
    await waitUntil(() => packsOfBoot(boot) >= 3, 10_000, () => `packs after the restart; stderr:\n${restarted.stderr}`);

    const refused = await runCli(['run', config]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`another process (PID ${restarted.child.pid}) is running a node on ${nodeDir}`);
    expect(await restarted.signal('SIGINT')).toBe(0);
  });
});
