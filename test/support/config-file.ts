import { writeFileSync } from 'node:fs';

/** The weather-station fields a CLI test's node reads, by key. */
const FIELDS = { t: 'temperature: Cel', p: 'pressure: Pa' } as const;

/**
 * Writes the config a CLI test runs: a simulated weather station on one board, publishing to
 * `brokerUrl` with a short reconnect delay, so tests that start `fieldnode run` as a real
 * process share one shape and differ only in what they are about.
 */
export function writeStationConfig(path: string, options: { nodeId: string; dataDir: string; brokerUrl: string; intervalMs: number; maxReadings: number; keys?: readonly (keyof typeof FIELDS)[] }): string {
  const sensors = (options.keys ?? ['t']).map((key) => {
    const [name, unit] = FIELDS[key].split(': ');
    return `      - { name: ${name}, unit: ${unit}, key: ${key} }`;
  });
  writeFileSync(
    path,
    `node: { id: ${options.nodeId}, site: test-site }
dataDir: ${options.dataDir}
broker: { url: "${options.brokerUrl}", reconnect: { initialDelayMs: 100, maxDelayMs: 300 } }
batching: { maxReadings: ${options.maxReadings}, maxDelayMs: 50 }
boards:
  - id: station
    simulator: { device: weather-station, intervalMs: ${options.intervalMs} }
    device: { type: lines }
    sensors:
${sensors.join('\n')}
`,
  );
  return path;
}
