/**
 * Runs a twin that only answers (MH-Z19, Modbus) through the whole runtime to a real broker.
 * The driver's requests reach the twin through the mock port asynchronously, and the twin
 * answers after its turnaround and the answer's time on the wire (10–20 ms of virtual time),
 * so virtual time moves in small steps with the event loop turning in between: every answer
 * comes due, and crosses the port, before the request's timeout does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedRecord } from '../../src/codec/index.js';
import { VirtualClock } from '../../src/core/clock.js';
import type { Emission } from '../../simulators/devices/periodic.js';
import type { SimulatedDevice } from '../../src/catalog/twin.js';
import { Collector, waitUntil } from '../support/collector.js';
import { simulatedNode, validateSimulated } from '../support/simulated-node.js';
import type { TwinSensor } from './driver-twins.js';

/** What the request/response twins offer a test: their answers and their fault injector. */
export interface AnsweringTwin<Values> extends SimulatedDevice {
  onEmit(listener: (emission: Emission<Values>) => void): void;
}

export interface PolledRun<Values> {
  readonly emissions: Emission<Values>[];
  readonly records: ResolvedRecord[];
  readonly problems: Record<string, number>;
}

/** Lets the mock port carry what was written, and the answer back, before time moves on. */
async function turnEventLoop(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Starts a node whose only board is `simulator`, read as `device` (its type and device-wide
 * options) by `sensors`, runs `durationMs` of virtual time in steps of `stepMs` (shorter than
 * the driver's timeout), and collects what reaches the broker once the node has produced
 * `expectedReadings(emissions)` readings.
 */
export async function runPolledTwin<Values, Twin extends AnsweringTwin<Values> = AnsweringTwin<Values>>(options: {
  brokerUrl: string;
  nodeId: string;
  startEpochMs: number;
  simulator: Record<string, unknown>;
  device: { type: string } & Record<string, unknown>;
  sensors: TwinSensor[];
  durationMs: number;
  stepMs: number;
  /** Called once the twin runs, to inject faults as answers go out. */
  prepare?: (twin: Twin, clock: VirtualClock) => void;
  expectedReadings: (emissions: readonly Emission<Values>[]) => number;
}): Promise<PolledRun<Values>> {
  const config = validateSimulated({
    dataDir: mkdtempSync(join(tmpdir(), 'fieldnode-polled-')),
    node: { id: options.nodeId, site: 'twins' },
    broker: { url: options.brokerUrl, protocol: '3.1.1' }, // aedes; reconnects would wait on virtual time
    batching: { maxReadings: 50, maxDelayMs: 60_000 },
    boards: [{ id: 'dev', simulator: options.simulator, device: options.device, sensors: options.sensors }],
  });
  const clock = new VirtualClock(options.startEpochMs);
  const collector = await Collector.connect(options.brokerUrl, `fieldnode/twins/${options.nodeId}/dev/data`, 4);
  const node = simulatedNode(config, { clock });
  await node.start();
  await waitUntil(() => node.uplink?.isConnected ?? false);
  const twin = node.simulatedDevice('dev') as Twin;
  const emissions: Emission<Values>[] = [];
  twin.onEmit((emission) => emissions.push(emission));
  options.prepare?.(twin, clock);
  for (let elapsed = 0; elapsed < options.durationMs; elapsed += options.stepMs) {
    clock.advance(options.stepMs);
    await turnEventLoop();
  }
  const board = () => node.stats().boards['dev']!;
  const expected = options.expectedReadings(emissions);
  await waitUntil(() => board().readings >= expected, 10_000, () => `${board().readings} of ${expected} readings`);
  const problems = board().problems;
  await node.stop();
  const records = await collector.waitForRecords(board().readings);
  await collector.close();
  return { emissions, records, problems };
}
