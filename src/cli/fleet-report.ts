/**
 * What `fieldnode fleet` asks of the simulators and what it prints of their answer: the
 * command line owns the shape and the words, the simulators build and run the nodes.
 */

/** A fleet run as the command line asks for it. */
export interface FleetOptions {
  readonly nodes: number;
  /** Sensors (readings per tick) of each node. */
  readonly sensors: number;
  /** Readings per second of each sensor. */
  readonly rate: number;
  /** A broker URL, or `embedded`/`mosquitto` for one the fleet starts on a free port. */
  readonly broker: string;
  readonly durationMs: number;
  /** When the fleet's own broker goes down, and for how long, counted from when every node is up. */
  readonly restartBrokerAtMs?: number | undefined;
  readonly brokerDownMs: number;
  /** Where the nodes' data directories go (a temporary folder below it); the system's temporary folder by default. */
  readonly dataDir?: string | undefined;
  /** Worker threads the nodes are spread over; 1 (the default) runs them in the main thread, beside the consumer. */
  readonly workers?: number | undefined;
}

/** The counts a fleet run ends with; `lost` must be 0. */
export interface FleetReport {
  readonly nodes: number;
  readonly sensors: number;
  /** Threads the nodes ran in (1: the main thread). */
  readonly workers: number;
  readonly seconds: number;
  /** Made by the nodes' sensors. */
  readonly readingsProduced: number;
  /** Acknowledged by the broker (QoS 1). */
  readonly readingsSent: number;
  /** Still in the nodes' outboxes at the end (neither sent nor lost: sent at their next start). */
  readonly readingsLeft: number;
  /** Dropped by the nodes themselves (a full outbox), counted and published by them. */
  readonly readingsDropped: number;
  /** Delivered by the consumer, once each. */
  readonly readingsReceived: number;
  /** Received per second from when every node was up to the end of the duration (start-up left out). */
  readonly steadyReadingsPerSecond: number;
  readonly packsSent: number;
  readonly packsReceived: number;
  readonly duplicatesDropped: number;
  /** Acknowledged by the broker yet never delivered to the consumer, plus holes in the sequences. */
  readonly lost: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  /** Connections made in each second of the run, from its start. */
  readonly connectionsPerSecond: readonly number[];
  /** Seconds from the start at which the broker came back, when it was restarted. */
  readonly restartedAtSecond?: number | undefined;
}

/** One line of progress while the fleet runs. */
export interface FleetProgress {
  readonly second: number;
  readonly connected: number;
  readonly readingsSent: number;
  readonly readingsReceived: number;
  readonly backlogReadings: number;
}

/** How `fieldnode fleet` runs simulated nodes: given by the composition root with the simulators. */
export interface FleetHosting {
  run(options: FleetOptions, say: (line: string) => void, progress: (line: FleetProgress) => void): Promise<FleetReport>;
}

/** The progress line, every few seconds. */
export function formatProgress(progress: FleetProgress): string {
  return `${String(progress.second).padStart(4)} s  connected ${progress.connected}  sent ${progress.readingsSent}  received ${progress.readingsReceived}  backlog ${progress.backlogReadings}`;
}

const BAR_WIDTH = 50;

/** The connection rate second by second, as a text histogram, from `fromSecond` on. */
export function connectionHistogram(perSecond: readonly number[], fromSecond: number, seconds = 15): string[] {
  const window = perSecond.slice(fromSecond, fromSecond + seconds);
  const highest = Math.max(1, ...window);
  return window.map((count, index) => `  +${String(index).padStart(2)} s ${String(count).padStart(5)} ${'#'.repeat(Math.ceil((count / highest) * BAR_WIDTH))}`);
}

/** The final report, as printed. */
export function formatReport(report: FleetReport): string[] {
  const perSecond = report.seconds > 0 ? Math.round(report.readingsReceived / report.seconds) : 0;
  const lines = [
    `nodes ${report.nodes} × ${report.sensors} sensors, ${report.seconds.toFixed(1)} s${report.workers > 1 ? `, over ${report.workers} worker threads` : ''}`,
    `readings produced ${report.readingsProduced}, sent ${report.readingsSent} (acknowledged by the broker), received ${report.readingsReceived}`,
    `packs sent ${report.packsSent}, received ${report.packsReceived}, duplicates dropped ${report.duplicatesDropped}`,
    `left in outboxes ${report.readingsLeft} readings, dropped by nodes ${report.readingsDropped}, lost ${report.lost}`,
    `received ${Math.round(report.steadyReadingsPerSecond)} readings/s once every node was up, ${perSecond} readings/s over the whole run; CPU ${report.cpuSeconds.toFixed(1)} s (${report.seconds > 0 ? Math.round((report.cpuSeconds / report.seconds) * 100) : 0}% of one core, every thread's); peak RSS ${Math.round(report.peakRssBytes / 1_048_576)} MiB`,
  ];
  if (report.restartedAtSecond !== undefined) {
    lines.push(`connections per second after the broker came back (${report.restartedAtSecond} s):`, ...connectionHistogram(report.connectionsPerSecond, report.restartedAtSecond));
  }
  return lines;
}
