/**
 * `/metrics` of a real node on a simulated weather station, scraped over HTTP and parsed as
 * Prometheus would: readings as the broker received them, problems with a bounded number of
 * kinds, the outbox through a broker outage, acknowledgement latencies, and the names.
 */
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { FieldnodeConsumer, type ConsumedPack } from '../../src/consumer/consumer.js';
import { ProblemCounter } from '../../src/core/problems.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { KindBound, MAX_KINDS_PER_BOARD } from '../../src/http/metrics.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/uplink/embedded-broker.js';
import type { WeatherStation } from '../../simulators/devices/weather-station.js';
import { waitUntil } from '../support/collector.js';
import { simulatedNode, type SimulatedNode } from '../support/simulated-node.js';
import { weatherStationConfig } from '../e2e/support.js';

async function scrape(node: SimulatedNode): Promise<PrometheusFamily[]> {
  const response = await fetch(new URL('/metrics', node.httpAddress));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await response.text());
}

function family(families: PrometheusFamily[], name: string): PrometheusFamily {
  const found = families.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no ${name} in ${families.map((candidate) => candidate.name).join(', ')}`);
  return found;
}

function value(families: PrometheusFamily[], name: string, labels: Record<string, string> = {}): number {
  const sample = family(families, name).metrics.find((metric) => Object.entries(labels).every(([key, wanted]) => metric.labels?.[key] === wanted));
  return sample ? Number(sample.value) : 0;
}

function stationNode(brokerUrl: string, nodeId: string): SimulatedNode {
  const config = weatherStationConfig({ brokerUrl, nodeId, maxReadings: 8, maxDelayMs: 50, board: { simulator: { device: 'weather-station', seed: 3, intervalMs: 20 } }, broker: { reconnect: { initialDelayMs: 100, maxDelayMs: 200 } } });
  return simulatedNode({ ...config, http: { host: '127.0.0.1', port: 0 } });
}

describe('/metrics', () => {
  let broker: EmbeddedBroker | undefined;
  let node: SimulatedNode | undefined;
  afterEach(async () => {
    await node?.stop();
    await broker?.close();
    node = broker = undefined;
  });

  it('counts per sensor what the broker received, with latencies, names by convention and the node info', async () => {
    broker = await startEmbeddedBroker();
    const packs: ConsumedPack[] = [];
    const consumer = await FieldnodeConsumer.connect(broker.url, { clientId: 'metrics-consumer', onPack: (pack) => packs.push(pack) });
    node = stationNode(broker.url, 'metrics-node');
    await node.start();
    await waitUntil(() => node!.stats().forwarder.packsAcked >= 5);
    (node.simulatedDevice('station') as WeatherStation).stop();
    await waitUntil(() => node!.forwarder!.backlogTotals().packs === 0 && node!.stats().boards['station']!.readings === node!.stats().forwarder.readingsAcked);
    // SenML names resolve to node/board/sensor.
    const received = (sensor: string) => packs.flatMap((pack) => pack.records).filter((record) => record.name === `metrics-node/station/${sensor}`).length;
    await waitUntil(() => packs.reduce((sum, pack) => sum + pack.records.length, 0) === node!.stats().forwarder.readingsAcked);
    const families = await scrape(node);
    await consumer.close();

    for (const sensor of ['temperature', 'humidity', 'pressure', 'rain']) {
      expect(value(families, 'fieldnode_readings_total', { board: 'station', sensor })).toBe(received(sensor));
    }
    expect(received('temperature')).toBeGreaterThan(0);
    expect(family(families, 'fieldnode_readings_total').type).toBe('COUNTER');
    expect(value(families, 'fieldnode_broker_connected')).toBe(1);
    expect(value(families, 'fieldnode_outbox_packs')).toBe(0);
    expect(family(families, 'fieldnode_info').metrics[0]!.labels).toEqual({ node: 'metrics-node', site: 'test-site', version: 'unknown' });
    const ack = family(families, 'fieldnode_publish_ack_seconds');
    expect(ack.type).toBe('HISTOGRAM');
    // Every acknowledgement, as the view heard it.
    expect(Number(ack.metrics[0]!.count)).toBe(node.stats().forwarder.packsAcked);
    expect(Object.keys(ack.metrics[0]!.buckets!)).toContain('30');
    for (const name of ['fieldnode_process_cpu_seconds_total', 'fieldnode_process_resident_memory_bytes', 'fieldnode_nodejs_eventloop_lag_seconds']) family(families, name);

    const ours = families.filter((candidate) => !/^fieldnode_(process|nodejs)_/.test(candidate.name));
    expect(ours.map((candidate) => candidate.name).sort()).toEqual(
      [
        'fieldnode_info', 'fieldnode_readings_total', 'fieldnode_problems_total', 'fieldnode_outbox_packs', 'fieldnode_outbox_readings', 'fieldnode_outbox_bytes',
        'fieldnode_outbox_oldest_age_seconds', 'fieldnode_dropped_readings_total', 'fieldnode_dropped_packs_total', 'fieldnode_broker_connected',
        'fieldnode_broker_reconnects_total', 'fieldnode_publish_ack_seconds',
      ].sort(),
    );
    for (const metric of ours) expect(metric.name).toMatch(/^fieldnode_[a-z_]+$/);
    // prom-client's own event loop percentiles carry digits (`_p99_`).
    for (const metric of families) expect(metric.name).toMatch(/^fieldnode_[a-z][a-z0-9_]*$/);
    for (const metric of families.filter((candidate) => candidate.type === 'COUNTER')) expect(metric.name).toMatch(/_total$/);
    for (const metric of families) expect(metric.help.length).toBeGreaterThan(0);
  });

  it('shows the outbox growing and the connection down during a broker outage, then problems with a bounded number of kinds', async () => {
    broker = await startEmbeddedBroker();
    const port = broker.port;
    node = stationNode(broker.url, 'outage-metrics-node');
    await node.start();
    await waitUntil(() => node!.stats().forwarder.packsAcked >= 2);
    await broker.close();
    await waitUntil(() => node!.uplink?.isConnected === false);
    const first = await scrape(node);
    await waitUntil(() => node!.forwarder!.backlogTotals().readings > value(first, 'fieldnode_outbox_readings') + 8);
    const later = await scrape(node);
    expect(value(later, 'fieldnode_broker_connected')).toBe(0);
    expect(value(later, 'fieldnode_outbox_readings')).toBeGreaterThan(value(first, 'fieldnode_outbox_readings'));
    expect(value(later, 'fieldnode_outbox_packs')).toBeGreaterThan(0);
    expect(value(later, 'fieldnode_outbox_bytes')).toBeGreaterThan(0);
    for (const cause of ['full', 'disk-full', 'expired', 'denied', 'refused']) expect(value(later, 'fieldnode_dropped_readings_total', { cause })).toBe(0);

    // A device's fault as the board counts it, and 100 distinct exception codes.
    const problems = (node as unknown as { boards: Map<string, { problems: ProblemCounter }> }).boards.get('station')!.problems;
    problems.count('bad-line', 'garbage');
    for (let code = 0; code < 100; code++) problems.count(`exception-${code}`);
    broker = await startEmbeddedBroker(port);
    await waitUntil(() => node!.uplink?.isConnected === true && node!.forwarder!.backlogTotals().packs === 0, 15_000);
    // The station keeps reading: any one scrape may catch a fresh pack on its way to the
    // broker. A drained outbox shows empty between them; one that never drained never does.
    let after = await scrape(node);
    for (let tries = 0; tries < 50 && value(after, 'fieldnode_outbox_readings') !== 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape(node);
    }
    expect(value(after, 'fieldnode_problems_total', { board: 'station', kind: 'bad-line' })).toBe(1);
    const kinds = family(after, 'fieldnode_problems_total').metrics.filter((metric) => metric.labels?.['board'] === 'station');
    expect(kinds.length).toBe(MAX_KINDS_PER_BOARD + 1);
    expect(kinds.reduce((sum, metric) => sum + Number(metric.value), 0)).toBe(101);
    expect(value(after, 'fieldnode_problems_total', { board: 'station', kind: 'other' })).toBe(101 - MAX_KINDS_PER_BOARD);
    expect(value(after, 'fieldnode_broker_connected')).toBe(1);
    expect(value(after, 'fieldnode_broker_reconnects_total')).toBe(1);
    expect(value(after, 'fieldnode_outbox_readings')).toBe(0);
  });

  it('counts what a full outbox drops, by cause, across a restart of the node', async () => {
    broker = await startEmbeddedBroker();
    const unreachable = broker.url;
    await broker.close();
    const config = weatherStationConfig({ brokerUrl: unreachable, nodeId: 'drops-node', maxReadings: 50, maxDelayMs: 20, outbox: { maxBytes: 65_536 }, board: { simulator: { device: 'weather-station', seed: 5, intervalMs: 1 } } });
    node = simulatedNode({ ...config, http: { host: '127.0.0.1', port: 0 } });
    await node.start();
    await waitUntil(() => node!.stats().forwarder.dropped.full.readings > 0, 20_000);
    (node.simulatedDevice('station') as WeatherStation).stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { dropped } = node.stats().forwarder;
    const during = await scrape(node);
    expect(value(during, 'fieldnode_dropped_readings_total', { cause: 'full' })).toBe(dropped.full.readings);
    expect(value(during, 'fieldnode_dropped_packs_total', { cause: 'full' })).toBe(dropped.full.packs);
    expect(value(during, 'fieldnode_broker_connected')).toBe(0);
    expect(value(during, 'fieldnode_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);

    // A new run counts its drops from zero; the metric carries the last run's on.
    await node.stop();
    await node.start();
    const again = await scrape(node);
    expect(value(again, 'fieldnode_dropped_readings_total', { cause: 'full' })).toBeGreaterThanOrEqual(dropped.full.readings);
    expect(value(again, 'fieldnode_readings_total', { board: 'station', sensor: 'temperature' })).toBeGreaterThanOrEqual(value(during, 'fieldnode_readings_total', { board: 'station', sensor: 'temperature' }));
  });
});

describe('the bound on problem kinds', () => {
  it('names the first kinds of a board and sums the others as "other", stable as counts grow', () => {
    const counter = new ProblemCounter(silentLogger, systemClock);
    const bound = new KindBound(MAX_KINDS_PER_BOARD);
    for (let code = 0; code < 100; code++) counter.count(`exception-${code}`);
    const folded = bound.fold('station', counter.snapshot());
    expect(Object.keys(folded)).toHaveLength(MAX_KINDS_PER_BOARD + 1);
    expect(folded['other']).toBe(100 - MAX_KINDS_PER_BOARD);
    counter.count('exception-99');
    counter.count('exception-0');
    const again = bound.fold('station', counter.snapshot());
    expect(again['exception-0']).toBe(2);
    expect(again['other']).toBe(101 - MAX_KINDS_PER_BOARD);
    // Another board has a bound of its own.
    expect(Object.keys(bound.fold('other-board', { 'bad-line': 1 }))).toEqual(['bad-line']);
  });
});
