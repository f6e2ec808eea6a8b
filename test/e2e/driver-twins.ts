/**
 * Runs a simulated device through the whole runtime to a real broker and returns what the
 * twin emitted next to what a subscriber decoded, for the per-driver end-to-end tests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedRecord } from '../../src/codec/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import type { Emission, PeriodicDevice } from '../../simulators/devices/periodic.js';
import type { FrameFault } from '../../simulators/faults.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';

export interface TwinRun<Values> {
  readonly emissions: Emission<Values>[];
  readonly records: ResolvedRecord[];
  readonly problems: Record<string, number>;
}

/** A sensor of the twin's board: its name, unit and the driver's per-sensor options, flat as in a config. */
export type TwinSensor = { name: string; unit?: string } & Record<string, unknown>;

/**
 * Starts a node whose only board is `simulator`, read as `device` (its type and device-wide
 * options) by `sensors`, lets the twin emit `count` times on virtual time (injecting `faults`
 * in turn every `faultEvery` emissions), and collects the records that reach the broker.
 */
export async function runTwin<Values>(options: {
  brokerUrl: string;
  nodeId: string;
  simulator: Record<string, unknown>;
  device: { type: string } & Record<string, unknown>;
  sensors: TwinSensor[];
  count: number;
  intervalMs: number;
  faults?: FrameFault[];
  faultEvery?: number;
}): Promise<TwinRun<Values>> {
  const config = validateSimulated({
    dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-twin-')),
    node: { id: options.nodeId, site: 'twins' },
    broker: { url: options.brokerUrl, protocol: '3.1.1' }, // aedes; reconnects would wait on virtual time
    batching: { maxReadings: 50, maxDelayMs: 60_000 },
    boards: [{ id: 'dev', simulator: options.simulator, device: options.device, sensors: options.sensors }],
  });
  const clock = new VirtualClock(Date.UTC(2026, 4, 12, 6));
  const collector = await Collector.connect(options.brokerUrl, `fieldnode/twins/${options.nodeId}/dev/data`, 4);
  const node = simulatedNode(config, { clock });
  await node.start();
  await waitUntil(() => node.uplink?.isConnected ?? false);
  const device = node.simulatedDevice('dev') as PeriodicDevice<Values>;
  const emissions: Emission<Values>[] = [];
  device.onEmit((emission) => emissions.push(emission));
  for (let index = 0; index < options.count; index++) {
    const fault = options.faults && options.faultEvery && index % options.faultEvery === options.faultEvery - 1 ? options.faults[Math.floor(index / options.faultEvery) % options.faults.length] : undefined;
    if (fault) device.faults.inject(fault);
    clock.advance(options.intervalMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  clock.advance(1000); // the line goes quiet: the last frame is complete
  const intact = emissions.filter((emission) => emission.fault === undefined || emission.fault === 'garbage').length;
  await waitUntil(() => node.stats().boards['dev']!.readings >= intact * options.sensors.length, 10_000, () => `${node.stats().boards['dev']!.readings} readings`);
  const problems = node.stats().boards['dev']!.problems;
  await node.stop();
  const records = await collector.waitForRecords(node.stats().boards['dev']!.readings);
  await collector.close();
  return { emissions, records, problems };
}
