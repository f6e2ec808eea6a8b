import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot, type Clock, type DescribedDevice, type DeviceLink, type SimulatedDevice, type TimerHandle, type TwinDefinition } from '../../src/index.js';
import { WeatherModel, type WeatherSample } from '../models/weather.js';
import { numberOption, stringOption, type DeviceProblem } from './device-rules.js';

/** Options of the simulated weather station (`boards[].simulator` with `device: weather-station`). */
export const weatherStationOptionsShape = {
  seed: z.number().int().default(1).describe('seed of the weather model; the same seed replays the same weather'),
  intervalMs: z.number().int().min(1).default(1000).describe('milliseconds between printed lines'),
  format: z.enum(['kv', 'csv', 'json']).default('kv').describe('line layout the sketch prints'),
};

export type WeatherStationOptions = z.infer<z.ZodObject<typeof weatherStationOptionsShape>>;

/** The keys (kv, json) and the column order (csv) the sketch prints, and their units. */
export const weatherStationFields = [
  { key: 't', name: 'temperature', unit: 'Cel', sample: 'temperature' },
  { key: 'h', name: 'humidity', unit: '%RH', sample: 'humidity' },
  { key: 'p', name: 'pressure', unit: 'Pa', sample: 'pressure' },
  { key: 'r', name: 'rain', unit: 'mm', sample: 'rain' },
] as const satisfies readonly { key: string; name: string; unit: string; sample: keyof WeatherSample }[];

/** A printed line and the model values it carries, for tests that compare both ends. */
export interface EmittedSample {
  readonly time: number;
  readonly sample: WeatherSample;
  readonly line: string;
}

/**
 * Twin of an Arduino running the weather-station line sketch shipped in
 * boards/arduino-uno/: at reset it prints the sketch's `# firmware` line and `#` banner, then
 * one line per interval. The sketch prints fixed decimals (21.50, r=0.0) where the twin
 * prints the shortest form (21.5, r=0): the same numbers to the lines driver. The firmware
 * twin (simulators/firmware/) runs the sketch itself.
 */
export class WeatherStation implements SimulatedDevice {
  private readonly model: WeatherModel;
  private readonly listeners: ((emitted: EmittedSample) => void)[] = [];
  private timer: TimerHandle | undefined;
  private running = false;

  constructor(
    private readonly options: WeatherStationOptions,
    private readonly link: DeviceLink,
    private readonly clock: Clock,
  ) {
    this.model = new WeatherModel({ seed: options.seed });
  }

  /** Called with every line the station prints, after it is written. */
  onSample(listener: (emitted: EmittedSample) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // The sketch's first line names its firmware (`# firmware <sketch> <version> <board>`), then its banner.
    this.link.write(Buffer.from(`# firmware weather-station ${twinFirmwareVersion()} arduino-uno\r\n# fieldnode weather-station sketch, format ${this.options.format}, every ${this.options.intervalMs} ms\r\n`));
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Samples the model at `epochMs` and prints the line now; returns false under backpressure. */
  emitAt(epochMs: number): boolean {
    const emitted = this.lineAt(epochMs);
    const accepted = this.link.write(Buffer.from(emitted.line));
    for (const listener of this.listeners) listener(emitted);
    return accepted;
  }

  /** Samples the model and renders the line without writing it, for bursts and benchmarks. */
  lineAt(epochMs: number): EmittedSample {
    const sample = this.model.sample(epochMs);
    return { time: epochMs, sample, line: `${formatWeatherLine(sample, this.options.format)}\r\n` };
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.emitAt(this.clock.now());
      this.schedule();
    }, this.options.intervalMs);
  }
}

/** The twin's firmware version: the package's, marked as a twin's, since no .hex was built. */
function twinFirmwareVersion(): string {
  twinVersion ??= `${(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version}-twin`;
  return twinVersion;
}
let twinVersion: string | undefined;

/** Renders a sample the way the sketch's `Serial.print` calls do (CRLF is added by println). */
export function formatWeatherLine(sample: WeatherSample, format: WeatherStationOptions['format']): string {
  switch (format) {
    case 'kv':
      return weatherStationFields.map((field) => `${field.key}=${sample[field.sample]}`).join(',');
    case 'csv':
      return weatherStationFields.map((field) => String(sample[field.sample])).join(',');
    case 'json':
      return JSON.stringify(Object.fromEntries(weatherStationFields.map((field) => [field.key, sample[field.sample]])));
  }
}

/** The weather station as the simulator registry offers it. */
export const weatherStationSimulator: TwinDefinition<typeof weatherStationOptionsShape> = {
  device: 'weather-station',
  summary: 'Arduino weather station printing temperature, humidity, pressure and rain as text lines',
  defaultBaud: 9600,
  optionsShape: weatherStationOptionsShape,
  readBy: ['lines'],
  create: (options, link, clock) => new WeatherStation(options, link, clock),
  checkDevice: checkWeatherStationDevice,
};

/** The column separator the sketch prints between csv values. */
const CSV_DELIMITER = ',';

/**
 * What a lines device must agree on with the sketch: the line format and, for csv, the
 * delimiter it prints (device options); the columns (csv) or keys (kv, json) it prints
 * (sensor options). A sensor reading a column or key the sketch never prints would stay
 * empty forever, so it is a config problem, not a runtime one.
 */
export function checkWeatherStationDevice(twinOptions: Readonly<Record<string, unknown>>, device: DescribedDevice): DeviceProblem[] {
  const printed = stringOption(twinOptions, 'format', 'kv');
  const read = stringOption(device.options, 'format', 'kv');
  if (read !== printed) return [{ path: `${device.path}.device.format`, message: `the simulated weather station prints ${printed} lines, not ${read}` }];
  const problems: DeviceProblem[] = [];
  if (printed === 'csv') {
    const delimiter = stringOption(device.options, 'delimiter', CSV_DELIMITER);
    if (delimiter !== CSV_DELIMITER) problems.push({ path: `${device.path}.device.delimiter`, message: `the simulated weather station separates csv values with "${CSV_DELIMITER}", not ${JSON.stringify(delimiter)}` });
  }
  const keys = weatherStationFields.map((field) => field.key);
  for (const sensor of device.sensors) {
    if (printed === 'csv') {
      const column = numberOption(sensor.options, 'column');
      if (column !== undefined && Number.isInteger(column) && column >= keys.length) {
        problems.push({ path: `${sensor.path}.column`, message: `the simulated weather station prints columns 0–${keys.length - 1} (${weatherStationFields.map((field) => field.name).join(', ')}), not ${column}` });
      }
    } else {
      const key = sensor.options['key'];
      if (typeof key === 'string' && !(keys as readonly string[]).includes(key)) {
        problems.push({ path: `${sensor.path}.key`, message: `the simulated weather station prints the keys ${keys.join(', ')}, not ${JSON.stringify(key)}` });
      }
    }
  }
  return problems;
}
