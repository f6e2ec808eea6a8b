/**
 * Reads the gateway's own health from the kernel's files on the injected clock: CPU
 * temperature, load, memory, disk, uptime, and the firmware's under-voltage and throttling flags.
 */
import { PiFileError, type PiFiles } from '../../transports/pi/sysfs.js';
import type { SensorBinding } from '../driver.js';
import { pollSensorsInTurn, type PollOutput, type Poller } from '../poll-loop.js';
import { isSlowedDown, memoryUsedPercent, parseAlarm, parseLoadAverage, parseMemoryInfo, parseThermalZone, parseThrottled, parseUptime, type Parsed, type ThrottleFlags } from './decode.js';
import type { GatewayHealthField, GatewayHealthSensorOptions } from './schema.js';

/** The files read, as they are on a Raspberry Pi (4 and earlier; see `findThrottled` for others). */
export const HEALTH_FILES = {
  thermalZone: '/sys/class/thermal/thermal_zone0/temp',
  loadAverage: '/proc/loadavg',
  memoryInfo: '/proc/meminfo',
  uptime: '/proc/uptime',
  throttled: '/sys/devices/platform/soc/soc:firmware/get_throttled',
  /** The firmware driver links its device here, whatever the device tree calls it on a given SoC. */
  firmwareDriver: '/sys/bus/platform/drivers/raspberrypi-firmware',
  hwmon: '/sys/class/hwmon',
} as const;

/** What a health poll needs: the gateway's files, how often to read, the values to read, and where results go. */
export interface GatewayHealthPollerOptions extends PollOutput {
  readonly files: PiFiles;
  readonly intervalMs: number;
  readonly sensors: readonly SensorBinding<GatewayHealthSensorOptions>[];
}

/** A value that could not be read, under the problem kind it is counted as. */
class HealthProblem extends Error {
  constructor(
    readonly kind: 'missing-file' | 'read-failed' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Polls every configured health value once per interval. Missing files, unreadable files
 * and contents that do not parse are counted (missing-file, read-failed, malformed), never thrown.
 */
export function createGatewayHealthPoller(options: GatewayHealthPollerOptions): Poller {
  const sources = new HealthSources(options.files);
  return pollSensorsInTurn(options, options.intervalMs, options.sensors, async (sensor, isCurrent) => {
    let value: number | boolean;
    try {
      value = await sources.read(sensor.options.field, sensor.options.path);
    } catch (error) {
      // Anything else is counted as read-failed by the loop.
      if (!(error instanceof HealthProblem)) throw error;
      if (isCurrent()) options.problems.count(error.kind, `${sensor.name}: ${error.message}`);
      return;
    }
    if (isCurrent()) options.emit({ name: sensor.name, unit: sensor.unit, value, time: options.clock.now() });
  });
}

/** Where each value comes from, with the firmware files found once and remembered. */
class HealthSources {
  private throttledPath: string | undefined;
  private alarmPath: string | undefined;

  constructor(private readonly files: PiFiles) {}

  async read(field: GatewayHealthField, path = '/'): Promise<number | boolean> {
    switch (field) {
      case 'cpu_temperature':
        return this.parse(HEALTH_FILES.thermalZone, parseThermalZone, 'no thermal zone: the SoC thermal driver is not loaded');
      case 'load1':
      case 'load5':
      case 'load15':
        return (await this.parse(HEALTH_FILES.loadAverage, parseLoadAverage))[field];
      case 'memory_available':
        return (await this.parse(HEALTH_FILES.memoryInfo, parseMemoryInfo)).availableBytes;
      case 'memory_used_ratio':
        return memoryUsedPercent(await this.parse(HEALTH_FILES.memoryInfo, parseMemoryInfo));
      case 'uptime':
        return this.parse(HEALTH_FILES.uptime, parseUptime);
      case 'disk_free':
        try {
          return (await this.files.space(path)).freeBytes;
        } catch (error) {
          throw this.fileProblem(error, path);
        }
      case 'under_voltage':
        return this.underVoltage();
      case 'under_voltage_since_boot':
        return (await this.throttled()).underVoltageSinceBoot;
      case 'throttled':
        return isSlowedDown(await this.throttled());
    }
  }

  /** The hwmon alarm where the kernel has it (raspberrypi-hwmon, Linux 4.19+), else the firmware word. */
  private async underVoltage(): Promise<boolean> {
    this.alarmPath ??= await this.findAlarm();
    if (this.alarmPath === undefined) return (await this.throttled()).underVoltage;
    try {
      return await this.parse(this.alarmPath, parseAlarm);
    } catch (error) {
      this.alarmPath = undefined;
      throw error;
    }
  }

  private async findAlarm(): Promise<string | undefined> {
    let devices: string[];
    try {
      devices = await this.files.list(HEALTH_FILES.hwmon);
    } catch {
      return undefined;
    }
    for (const device of devices) {
      const name = await this.files.readText(`${HEALTH_FILES.hwmon}/${device}/name`).catch(() => '');
      if (name.trim() === 'rpi_volt') return `${HEALTH_FILES.hwmon}/${device}/in0_lcrit_alarm`;
    }
    return undefined;
  }

  private async throttled(): Promise<ThrottleFlags> {
    this.throttledPath ??= await this.findThrottled();
    try {
      return await this.parse(this.throttledPath, parseThrottled, 'no get_throttled: not a Raspberry Pi, or its firmware driver is not loaded');
    } catch (error) {
      this.throttledPath = undefined;
      throw error;
    }
  }

  /** The usual path on a Pi 4 and earlier; elsewhere the firmware device found through its driver. */
  private async findThrottled(): Promise<string> {
    try {
      await this.files.readText(HEALTH_FILES.throttled);
      return HEALTH_FILES.throttled;
    } catch {
      const devices = await this.files.list(HEALTH_FILES.firmwareDriver).catch(() => [] as string[]);
      const device = devices.find((name) => name.includes('firmware'));
      return device ? `${HEALTH_FILES.firmwareDriver}/${device}/get_throttled` : HEALTH_FILES.throttled;
    }
  }

  private async parse<T>(path: string, parser: (text: string) => Parsed<T>, missingHint?: string): Promise<T> {
    let text: string;
    try {
      text = await this.files.readText(path);
    } catch (error) {
      throw this.fileProblem(error, path, missingHint);
    }
    const parsed = parser(text);
    if (!parsed.ok) throw new HealthProblem('malformed', `${path}: ${parsed.reason}`);
    return parsed.value;
  }

  private fileProblem(error: unknown, path: string, missingHint?: string): HealthProblem {
    if (error instanceof PiFileError && error.problem === 'missing') {
      return new HealthProblem('missing-file', missingHint ? `${error.message} (${missingHint})` : error.message);
    }
    return new HealthProblem('read-failed', error instanceof Error ? error.message : `cannot read ${path}`);
  }
}
