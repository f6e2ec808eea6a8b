/**
 * `npm run bench`: figures, not assertions. Runs against a private mosquitto (MQTT 5) when it
 * is installed, else against the embedded aedes broker (MQTT 3.1.1), and says which.
 * Sizes: BENCH_LINES (throughput run, default 100,000 lines = 400,000 readings) and
 * BENCH_OUTAGE_LINES (outage run, default 250,000 lines = 1,000,000 readings), BENCH_HTTP_LINES
 * (each of the HTTP off/on runs, default 50,000 lines), BENCH_FILTER_READINGS (readings through
 * each filter chain, default 1,000,000; the flood run beside it is on virtual time),
 * BENCH_PACK_READINGS (readings of each driver's twin for the bytes per reading, exact against
 * compact floats; default 100), BENCH_STARTUP_RUNS (fresh processes per start-up figure, default 10).
 * The steady-state part runs Node-RED as a peer, installed once into BENCH_CACHE (see
 * node-red-peer.ts); BENCH_NODE_RED=off leaves it out.
 * Firmware figures (compile time, emulated MHz) come last, and need the AVR toolchain and dist/firmware/.
 * BENCH_ONLY (comma-separated: startup, steady, throughput, outage, http, decoders, filters,
 * packs, firmware) runs just those parts.
 */
import { startEmbeddedBroker, type EmbeddedBroker } from '../src/uplink/embedded-broker.js';
import { findBinary } from '../simulators/find-binary.js';
import { startMosquitto } from '../test/support/mosquitto.js';
import { runDecoders, type DecoderCase } from './decoders.js';
import { runFilters } from './filters.js';
import { runFirmware } from './firmware.js';
import { runHttpComparison } from './http.js';
import { runOutage, type RestartableBroker } from './outage.js';
import { runPackSizes } from './pack-sizes.js';
import { runStartup } from './startup.js';
import { runSteadyState } from './steady-state.js';
import { runThroughput } from './throughput.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 100_000);
const OUTAGE_LINES = Number(process.env['BENCH_OUTAGE_LINES'] ?? 250_000);
const HTTP_LINES = Number(process.env['BENCH_HTTP_LINES'] ?? 50_000);
const DECODER_FRAMES = Number(process.env['BENCH_DECODER_FRAMES'] ?? 200_000);
const FILTER_READINGS = Number(process.env['BENCH_FILTER_READINGS'] ?? 1_000_000);
/** Readings of each driver for the pack-size figures (BENCH_PACK_READINGS). */
const PACK_SIZE_READINGS = Number(process.env['BENCH_PACK_READINGS'] ?? 100);
const STARTUP_RUNS = Number(process.env['BENCH_STARTUP_RUNS'] ?? 10);
/** Seconds of each steady-state window (BENCH_STEADY_SECONDS): gateway processes measured from /proc. */
const STEADY_SECONDS = Number(process.env['BENCH_STEADY_SECONDS'] ?? 15);

/** Every serial driver with the twin that feeds it. */
const decoderCases: DecoderCase[] = [
  { type: 'lines', device: 'weather-station', sensors: ['t', 'h', 'p', 'r'].map((key) => ({ key })) },
  { type: 'sds011', device: 'sds011', sensors: [{ field: 'pm2_5' }, { field: 'pm10' }] },
  { type: 'pms5003', device: 'pms5003', sensors: [{ field: 'pm1_0' }, { field: 'pm2_5' }, { field: 'pm10' }] },
  { type: 'maxbotix', device: 'maxbotix', driverDevice: { mountHeightMm: 4000 }, sensors: [{ field: 'level' }] },
  { type: 'nmea-gps', device: 'nmea-gps', sensors: [{ field: 'latitude' }, { field: 'longitude' }, { field: 'altitude' }] },
  { type: 'mhz19', device: 'mhz19', driverDevice: { intervalMs: 1000 }, sensors: [{}], pollIntervalMs: 1000 },
  {
    type: 'modbus-rtu',
    device: 'modbus-rtu',
    driverDevice: { intervalMs: 1000 },
    sensors: [
      { register: 0, function: 4, dataType: 'float32' },
      { register: 2, function: 4, dataType: 'int16', scale: 0.01 },
    ],
    pollIntervalMs: 1000,
  },
];

async function embeddedRestartable(): Promise<RestartableBroker & { close(): Promise<void> }> {
  let broker: EmbeddedBroker = await startEmbeddedBroker();
  const port = broker.port;
  return {
    url: broker.url,
    mqtt5: false,
    label: 'embedded aedes (MQTT 3.1.1): mosquitto not installed',
    stop: () => broker.close(),
    start: async () => {
      broker = await startEmbeddedBroker(port);
    },
    close: () => broker.close(),
  };
}

const PARTS = ['startup', 'steady', 'throughput', 'outage', 'http', 'decoders', 'filters', 'packs', 'firmware'] as const;
type Part = (typeof PARTS)[number];

function chosenParts(): ReadonlySet<Part> {
  const only = process.env['BENCH_ONLY'];
  if (!only) return new Set(PARTS);
  const named = only.split(',').map((part) => part.trim());
  const unknown = named.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) {
    process.stderr.write(`BENCH_ONLY: unknown part ${unknown.join(', ')}; the parts are ${PARTS.join(', ')}\n`);
    process.exit(64);
  }
  return new Set(named as Part[]);
}

async function main(): Promise<void> {
  const parts = chosenParts();
  const broker = findBinary('mosquitto')
    ? Object.assign(await startMosquitto(), { mqtt5: true, label: 'mosquitto (MQTT 5, QoS 1)' })
    : await embeddedRestartable();
  try {
    // First, while the machine is quiet: these are wall times of fresh processes.
    if (parts.has('startup')) await runStartup(broker.url, STARTUP_RUNS);
    if (parts.has('steady')) await runSteadyState(broker, STEADY_SECONDS);
    if (parts.has('throughput')) await runThroughput(broker, LINES);
    if (parts.has('outage')) await runOutage(broker, OUTAGE_LINES, 200_000, 2_000);
    if (parts.has('http')) await runHttpComparison(broker, HTTP_LINES);
    // Last: its streams are rendered in memory, which would blur the RSS figures above.
    if (parts.has('decoders')) await runDecoders(decoderCases, DECODER_FRAMES);
    if (parts.has('filters')) await runFilters(FILTER_READINGS);
    if (parts.has('packs')) await runPackSizes(PACK_SIZE_READINGS, 100);
    if (parts.has('firmware')) await runFirmware();
  } finally {
    await broker.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
