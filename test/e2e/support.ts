import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ResolvedRecord } from '../../src/codec/index.js';
import type { NodeConfig } from '../../src/config/schema.js';
import { validateSimulated } from '../support/simulated-node.js';
import { weatherStationFields, type EmittedSample } from '../../simulators/devices/weather-station.js';

/** A config with one weather-station board, either simulated in-process or on a port. */
export function weatherStationConfig(options: {
  brokerUrl: string;
  nodeId: string;
  board: Record<string, unknown>;
  maxReadings?: number;
  maxDelayMs?: number;
  protocol?: string;
  dataDir?: string;
  outbox?: Record<string, unknown>;
  broker?: Record<string, unknown>;
}): NodeConfig {
  return validateSimulated({
    dataDir: options.dataDir ?? mkdtempSync(join(tmpdir(), 'fieldnode-test-')),
    ...(options.outbox ? { outbox: options.outbox } : {}),
    node: { id: options.nodeId, site: 'test-site' },
    broker: { url: options.brokerUrl, ...(options.protocol ? { protocol: options.protocol } : {}), ...options.broker },
    batching: { maxReadings: options.maxReadings ?? 12, maxDelayMs: options.maxDelayMs ?? 200 },
    boards: [
      {
        id: 'station',
        ...options.board,
        device: { type: 'lines', ...(options.board['device'] as Record<string, unknown> | undefined) },
        sensors: weatherStationFields.map((field) => ({ name: field.name, unit: field.unit, key: field.key })),
      },
    ],
  });
}

/** The readings the broker should have received for these emitted lines, in order. */
export function expectedReadings(nodeId: string, emitted: readonly EmittedSample[]): { name: string; unit: string; value: number }[] {
  return emitted.flatMap((entry) =>
    weatherStationFields.map((field) => ({ name: `${nodeId}/station/${field.name}`, unit: field.unit, value: entry.sample[field.sample] })),
  );
}

/** Asserts that the subscriber got exactly the emitted values, in order, none missing, none extra. */
export function expectSameReadings(nodeId: string, emitted: readonly EmittedSample[], records: readonly ResolvedRecord[]): void {
  const expected = expectedReadings(nodeId, emitted);
  expect(records.map((record) => ({ name: record.name, unit: record.unit, value: record.value }))).toEqual(expected);
}
