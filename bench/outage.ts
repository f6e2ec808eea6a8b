/**
 * A broker outage under full load: the backlog is written to the outbox on disk while RSS is
 * sampled, then the broker returns and the backlog drains behind a steady live stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldNode } from '../src/node.js';
import { weatherStationFields } from '../simulators/devices/weather-station.js';
import { createPtyPair } from '../simulators/transports/pty.js';
import { benchConfig, printTable, rssMb, startWriter, waitFor } from './support.js';

export interface RestartableBroker {
  readonly url: string;
  readonly mqtt5: boolean;
  readonly label: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function runOutage(broker: RestartableBroker, outageLines: number, drainRate: number, liveLinesPerSecond: number): Promise<void> {
  const perLine = weatherStationFields.length;
  const backlogReadings = outageLines * perLine;
  const pty = await createPtyPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldnode-bench-outage-'));
  const node = new FieldNode(benchConfig({ brokerUrl: broker.url, mqtt5: broker.mqtt5, ptyPath: pty.hostPath, dataDir, outbox: { maxBytes: 2 * 1024 * 1024 * 1024, drainReadingsPerSecond: drainRate } }));
  await node.start();
  await waitFor(() => node.uplink?.isConnected ?? false, 10_000, 'the broker connection');
  // Warm up under live traffic first, as a node that has been running before its link fails.
  const warmUpLines = Math.max(1000, Math.floor(outageLines / 5));
  await startWriter(pty.devicePath, warmUpLines, 2);
  await waitFor(() => node.stats().forwarder.readingsAcked >= warmUpLines * perLine, 300_000, 'the warm-up to be acknowledged', {
    step: 'outage warm-up',
    done: () => `${node.stats().forwarder.readingsAcked}/${warmUpLines * perLine} readings acknowledged`,
  });
  await broker.stop();
  await waitFor(() => !(node.uplink?.isConnected ?? true), 10_000, 'the outage to be noticed');

  // Outage: everything goes to disk. RSS is sampled as it starts, after a tenth, at half and at the end.
  const rssStart = rssMb();
  await startWriter(pty.devicePath, outageLines, 3);
  const writeStart = performance.now();
  const stored = () => node.forwarder?.backlogTotals().readings ?? 0;
  const filling = { step: 'outage', done: () => `${stored()}/${backlogReadings} readings in the outbox` };
  await waitFor(() => stored() >= backlogReadings / 10, 300_000, 'the first tenth of the backlog', filling);
  const rssEarly = rssMb();
  const readingsEarly = stored();
  await waitFor(() => stored() >= backlogReadings / 2, 600_000, 'half the backlog', filling);
  const rssHalf = rssMb();
  await waitFor(() => stored() >= backlogReadings, 600_000, `${backlogReadings} readings in the outbox (have ${stored()})`, filling);
  const writeSeconds = (performance.now() - writeStart) / 1000;
  const rssLate = rssMb();
  const backlog = node.forwarder!.backlogTotals();

  // Recovery: a steady live stream, then the broker returns; the backlog drains behind it.
  const liveLines = liveLinesPerSecond * 30;
  const live = await startWriter(pty.devicePath, liveLines, 4, liveLinesPerSecond);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const ackedBefore = node.stats().forwarder;
  const drainStart = performance.now();
  await broker.start();
  await waitFor(() => node.stats().forwarder.historicalReadingsAcked - ackedBefore.historicalReadingsAcked >= backlogReadings, 600_000, 'the backlog to drain', {
    step: 'drain',
    done: () => `${node.stats().forwarder.historicalReadingsAcked - ackedBefore.historicalReadingsAcked}/${backlogReadings} backlog readings acknowledged`,
  });
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const after = node.stats().forwarder;
  const liveDuringDrain = after.readingsAcked - after.historicalReadingsAcked - (ackedBefore.readingsAcked - ackedBefore.historicalReadingsAcked);
  live.child.kill();
  await node.stop();
  await pty.close();
  rmSync(dataDir, { recursive: true, force: true });

  printTable('outage: outbox write, RSS, drain behind live data', [
    ['broker', broker.label, ''],
    ['backlog', `${backlog.readings}`, `readings in ${backlog.packs} packs, ${(backlog.bytes / 1024 / 1024).toFixed(1)} MB on disk`],
    ['outbox write rate', `${(backlogReadings / writeSeconds).toFixed(0)}`, 'readings/s stored while the broker is down (group commits, WAL)'],
    ['RSS as the outage starts', `${rssStart.toFixed(1)} MB`, `after ${warmUpLines * perLine} readings of live traffic`],
    ['RSS after 10% of the outage', `${rssEarly.toFixed(1)} MB`, `${readingsEarly} readings stored`],
    ['RSS at half the outage', `${rssHalf.toFixed(1)} MB`, `${backlogReadings / 2} readings stored`],
    ['RSS at the end of the outage', `${rssLate.toFixed(1)} MB`, `${backlog.readings} readings stored`],
    ['  RSS change, start → end', `${(rssLate - rssStart).toFixed(1)} MB`, 'target within ±5 MB'],
    ['  RSS change, 50% → end', `${(rssLate - rssHalf).toFixed(1)} MB`, 'the trend: flat means the backlog is on disk'],
    ['backlog drain rate', `${(backlogReadings / drainSeconds).toFixed(0)}`, `readings/s, configured bound ${drainRate}/s; target ≥ 50000 while live data flows`],
    ['live readings during the drain', `${(liveDuringDrain / drainSeconds).toFixed(0)}`, `readings/s acknowledged, offered at ${liveLinesPerSecond * perLine}/s`],
    ['dropped', JSON.stringify(after.dropped.full.readings + after.dropped.expired.readings), 'expected 0'],
  ]);
}
