/**
 * A fleet of 20 real nodes (twins, pipeline, SQLite outbox, MQTT session each) against a real
 * broker, restarted mid-run: every reading the broker acknowledged reaches the consumer once,
 * and the report's numbers add up. On the embedded aedes and, when installed, on mosquitto.
 */
import { describe, expect, it } from 'vitest';
import type { FleetOptions, FleetReport } from '../../../src/cli/fleet-report.js';
import { formatReport } from '../../../src/cli/fleet-report.js';
import { runFleet } from '../../../simulators/fleet/fleet.js';
import { describeWithBinary } from '../../support/binaries.js';

const NODES = 20;
/** Two weather stations per node: one of 4 sensors, one of 2. */
const SENSORS = 6;

async function fleetWithRestart(broker: string): Promise<{ report: FleetReport; said: string[] }> {
  const options: FleetOptions = { nodes: NODES, sensors: SENSORS, rate: 2, broker, durationMs: 9000, restartBrokerAtMs: 3000, brokerDownMs: 2000 };
  const said: string[] = [];
  const report = await runFleet(options, (line) => said.push(line), () => undefined);
  return { report, said };
}

function expectEveryReadingOnce({ report, said }: { report: FleetReport; said: string[] }): void {
  expect(report.nodes).toBe(NODES);
  expect(report.lost).toBe(0);
  expect(report.readingsSent).toBeGreaterThan(0);
  expect(report.readingsReceived).toBe(report.readingsSent);
  expect(report.packsReceived).toBe(report.packsSent);
  expect(report.readingsProduced).toBe(report.readingsSent + report.readingsLeft + report.readingsDropped);
  expect(report.readingsDropped).toBe(0);
  // Every node produced for most of the 9 s: 6 sensors at 2 Hz.
  expect(report.readingsProduced).toBeGreaterThan(NODES * SENSORS * 2 * 6);
  // Once every node was up, about what 20 nodes × 6 sensors at 2 Hz make (240/s), the backlog of the restart included.
  expect(report.steadyReadingsPerSecond).toBeGreaterThan(NODES * SENSORS * 2 * 0.5);
  expect(report.steadyReadingsPerSecond).toBeLessThan(NODES * SENSORS * 2 * 1.5);
  // Each node connected once at the start and once again after the restart.
  expect(report.connectionsPerSecond.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(2 * NODES);
  expect(report.restartedAtSecond).toBeGreaterThanOrEqual(4);
  const after = report.connectionsPerSecond.slice(report.restartedAtSecond);
  expect(after.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(NODES);
  expect(said).toContain('broker back');
  const printed = formatReport(report).join('\n');
  expect(printed).toContain(`lost 0`);
  expect(printed).toContain('connections per second after the broker came back');
}

describe('a fleet of simulated nodes, embedded broker', () => {
  it('delivers every reading once through a broker restart, and the report adds up', async () => {
    expectEveryReadingOnce(await fleetWithRestart('embedded'));
  }, 60_000);
});

describeWithBinary('mosquitto', 'mosquitto', 'a fleet of simulated nodes, mosquitto', () => {
  it('delivers every reading once through a mosquitto restart, and the report adds up', async () => {
    expectEveryReadingOnce(await fleetWithRestart('mosquitto'));
  }, 60_000);
});
