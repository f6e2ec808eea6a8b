/**
 * Reads DS18B20 sensors through the kernel's w1_therm files on the injected clock. The sensors
 * of one bus are read one after another at each poll: the kernel serialises them anyway, and
 * each read holds a libuv file thread for the whole conversion.
 */
import { PiFileError, type PiFiles } from '../../transports/pi/sysfs.js';
import type { SensorBinding } from '../driver.js';
import { pollSensorsInTurn, type PollOutput, type Poller } from '../poll-loop.js';
import { decodeW1Slave } from './decode.js';
import type { Ds18b20SensorOptions } from './schema.js';

/** Where the w1 bus lists its devices, one directory per sensor id. */
export const W1_DEVICES = '/sys/bus/w1/devices';

/** The file whose every read converts and reports one temperature. */
export function w1SlavePath(sensorId: string): string {
  return `${W1_DEVICES}/${sensorId}/w1_slave`;
}

/** What a DS18B20 poll needs: the Pi's files, how often to read, the sensors, and where results go. */
export interface Ds18b20PollerOptions extends PollOutput {
  readonly files: PiFiles;
  readonly intervalMs: number;
  readonly sensors: readonly SensorBinding<Ds18b20SensorOptions>[];
}

/**
 * Polls every configured DS18B20 once per interval and emits its temperature in °C.
 * Bad reads are counted (missing-sensor, read-failed, no-answer, crc-failure, malformed,
 * bus-fault, power-on-reset, out-of-range) and skipped; nothing throws.
 */
export function createDs18b20Poller(options: Ds18b20PollerOptions): Poller {
  return pollSensorsInTurn(options, options.intervalMs, options.sensors, (sensor, isCurrent) => readSensor(sensor, options, isCurrent));
}

async function readSensor(sensor: SensorBinding<Ds18b20SensorOptions>, options: Ds18b20PollerOptions, isCurrent: () => boolean): Promise<void> {
  const { files } = options;
  const { sensorId } = sensor.options;
  const label = `${sensor.name} (${sensorId})`;
  let text: string;
  try {
    text = await files.readText(w1SlavePath(sensorId));
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
