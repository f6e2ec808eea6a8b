/**
 * Reads DS18B20 sensors through the kernel's w1_therm files on the injected clock. Reads on
 * one bus go one at a time: the kernel serialises them anyway, and each holds a libuv file
 * thread for the whole conversion.
 */
import type { Clock } from '../../core/clock.js';
import type { ProblemCounter } from '../../core/problems.js';
import type { Reading } from '../../core/reading.js';
import { PollLoop, type Poller } from '../poll-loop.js';
import { PiFileError, SysfsRoot, type PiFiles } from '../../transports/pi/sysfs.js';
import type { SensorBinding } from '../driver.js';
import { decodeW1Slave } from './decode.js';
import type { Ds18b20Options } from './schema.js';

/** Where the w1 bus lists its devices, one directory per sensor id. */
export const W1_DEVICES = '/sys/bus/w1/devices';

/** The file whose every read converts and reports one temperature. */
export function w1SlavePath(sensorId: string): string {
  return `${W1_DEVICES}/${sensorId}/w1_slave`;
}

export interface Ds18b20PollerOptions {
  /** The Pi's files, or the directory they are under (`/` on a gateway). */
  readonly root: PiFiles | string;
  readonly clock: Clock;
  readonly problems: Pick<ProblemCounter, 'count'>;
  emit(reading: Reading): void;
  readonly sensors: readonly SensorBinding<Ds18b20Options>[];
}

/**
 * Polls every configured DS18B20 at its own interval and emits its temperature in °C.
 * Bad reads are counted (missing-sensor, read-failed, no-answer, crc-failure, malformed,
 * bus-fault, power-on-reset, out-of-range) and skipped; nothing throws.
 */
export function createDs18b20Poller(options: Ds18b20PollerOptions): Poller {
  const files = typeof options.root === 'string' ? new SysfsRoot(options.root) : options.root;
  const bus = new SerialQueue();
  const loops = options.sensors.map(
    (sensor) =>
      new PollLoop(
        options.clock,
        sensor.options.intervalMs,
        (isCurrent) => readSensor(sensor, files, bus, options, isCurrent),
        (error) => options.problems.count('read-failed', `${sensor.name}: ${(error as Error).message}`),
      ),
  );
  return {
    start: () => loops.forEach((loop) => loop.start()),
    stop: () => loops.forEach((loop) => loop.stop()),
    settled: async () => {
      await Promise.all(loops.map((loop) => loop.settled()));
    },
  };
}

async function readSensor(sensor: SensorBinding<Ds18b20Options>, files: PiFiles, bus: SerialQueue, options: Ds18b20PollerOptions, isCurrent: () => boolean): Promise<void> {
  const { sensorId } = sensor.options;
  const label = `${sensor.name} (${sensorId})`;
  let text: string;
  try {
    text = await bus.run(() => files.readText(w1SlavePath(sensorId)));
  } catch (error) {
    if (!isCurrent()) return;
    if (error instanceof PiFileError && error.problem === 'missing') {
      options.problems.count('missing-sensor', `${label}: ${await explainMissing(files, sensorId)}`);
    } else {
      options.problems.count('read-failed', `${label}: ${(error as Error).message}`);
    }
    return;
  }
  if (!isCurrent()) return;
  const outcome = decodeW1Slave(text, parseInt(sensorId.slice(0, 2), 16));
  if (!outcome.ok) {
    options.problems.count(outcome.problem, `${label}: ${outcome.detail}`);
    return;
  }
  options.emit({ name: sensor.name, unit: sensor.unit, value: outcome.milliCelsius / 1000, time: options.clock.now() });
}

/** Tells a sensor that left the bus from a bus that was never set up, and lists what is there. */
async function explainMissing(files: PiFiles, sensorId: string): Promise<string> {
  let devices: string[];
  try {
    devices = await files.list(W1_DEVICES);
  } catch {
    return `${W1_DEVICES} does not exist: enable 1-Wire (dtoverlay=w1-gpio in config.txt, or raspi-config) and reboot`;
  }
  const sensors = devices.filter((name) => !name.startsWith('w1_bus_master'));
  if (sensors.length === devices.length) return `${W1_DEVICES} has no 1-Wire bus master: enable 1-Wire (dtoverlay=w1-gpio) and reboot`;
  const found = sensors.length === 0 ? 'no sensors at all' : `only ${sensors.join(', ')}`;
  return `${w1SlavePath(sensorId)} does not exist (the bus shows ${found}): check the sensor's wiring and its 4.7 kΩ pull-up, or the id`;
}

/** Runs tasks one after another, so reads on one 1-Wire bus never overlap. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
