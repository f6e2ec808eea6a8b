/**
 * A directory laid out like a Raspberry Pi's /sys and /proc, kept up to date from seeded
 * models on a Clock, so the file-polling drivers (ds18b20, gateway-health) run and are tested
 * without a Pi. Faults a real Pi shows can be injected: a sensor gone from the bus, failed or
 * corrupt reads, the 85 °C power-on value, under-voltage and throttling.
 *
 * Beside the files, simulated I2C buses carry BME280s (or BMP280s) at register level.
 *
 * Files, as a Raspberry Pi OS kernel has them:
 *   sys/bus/w1/devices/<id>/w1_slave           (w1_therm; <id> links to sys/devices/w1_bus_master1/<id>)
 *   sys/class/thermal/thermal_zone0/temp       (m°C)
 *   sys/class/hwmon/hwmon1/{name,in0_lcrit_alarm}   (rpi_volt: under-voltage now)
 *   sys/devices/platform/soc/soc:firmware/get_throttled   (linked from sys/bus/platform/drivers/raspberrypi-firmware/)
 *   proc/loadavg, proc/meminfo, proc/uptime
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SysfsRoot, type Clock, type TimerHandle, type PiFiles, type I2cBuses } from '../../src/index.js';
import { SeededRandom } from '../models/random.js';
import { WeatherModel } from '../models/weather.js';
import { BMP280_CHIP_ID, SimulatedBme280 } from './bme280.js';
import { ds18b20Scratchpad, kernelMilliCelsius, w1SlaveText } from './w1-slave.js';
import { SimulatedI2cBuses } from './i2c-bus.js';
import { SimulatedGpioChip, type FakeGpioDevice, type PiModel } from './gpio-chip.js';
import { GatewayModel, SiteTemperatureModel, type Ds18b20Site, type GatewayState } from './models.js';
import { alarmText, loadAverageText, memoryInfoText, renderedHealth, thermalText, throttledText, uptimeText, type RenderedHealth } from './render.js';

/** One simulated DS18B20: its kernel id and where it measures. */
export interface FakeDs18b20 {
  readonly id: string;
  readonly site: Ds18b20Site;
}

export interface FakePiRootOptions {
  readonly seed: number;
  readonly clock: Clock;
  readonly ds18b20?: readonly FakeDs18b20[];
  readonly bme280?: readonly FakeBme280[];
  /** Which Pi: its GPIO controller (default pi4). */
  readonly model?: PiModel;
  /** Devices on the header's GPIO pins. */
  readonly gpio?: readonly FakeGpioDevice[];
  /** How often the models move and the files are rewritten (default 1000 ms). */
  readonly updateIntervalMs?: number;
  /** The firmware's device-tree node; another name puts get_throttled where only the driver link finds it. */
  readonly firmwareNode?: string;
  /** False leaves out the rpi_volt hwmon device, as on kernels before 4.19. */
  readonly hwmon?: boolean;
  /** Where the temporary tree is made (default: the OS temp directory). */
  readonly parent?: string;
}

/** One simulated BME280 (or BMP280) on an I2C bus, measuring the outdoor air. */
export interface FakeBme280 {
  readonly bus: number;
  readonly address: number;
  readonly chip?: 'bme280' | 'bmp280';
}

/** What can go wrong, and for how many model updates it lasts (default 1: until the next update). */
export type PiFault =
  | { readonly kind: 'missing-sensor' | 'crc-failure' | 'no-answer' | 'corrupt' | 'power-on-reset' | 'bus-fault'; readonly sensor: string; readonly updates?: number }
  | { readonly kind: 'under-voltage' | 'throttled'; readonly updates?: number }
  | { readonly kind: 'missing-file' | 'corrupt-file'; readonly file: string; readonly updates?: number }
  | { readonly kind: 'i2c-device-gone'; readonly bus: number; readonly address: number; readonly updates?: number };

/** What a DS18B20's file holds now: a temperature a driver must report, or the fault it must count. */
export interface Ds18b20Truth {
  readonly milliCelsius?: number;
  readonly fault?: PiFault['kind'];
}

const W1_MASTER = '/sys/devices/w1_bus_master1';
const W1_DEVICES = '/sys/bus/w1/devices';
const UNDER_VOLTAGE = 1 << 0;
const CAPPED = 1 << 1;
const THROTTLED = 1 << 2;
/** Where the Pi 4 firmware starts throttling the CPU. */
const THROTTLE_CELSIUS = 80;

interface SensorState {
  readonly spec: FakeDs18b20;
  readonly model: SiteTemperatureModel;
  retained: number[];
  truth: Ds18b20Truth;
}

interface ActiveFault {
  readonly fault: PiFault;
  remaining: number;
}

export class FakePiRoot {
  /** The directory standing in for `/`. */
  readonly root: string;
  private readonly random: SeededRandom;
  private readonly sensors = new Map<string, SensorState>();
  private readonly gateway: GatewayModel;
  private faults: ActiveFault[] = [];
  private sticky = 0;
  private health: RenderedHealth | undefined;
  private timer: TimerHandle | undefined;
  private readonly throttledPath: string;
  /** The models' latest values, reused when a fault is injected between updates. */
  private readonly lastCelsius = new Map<string, number>();
  private lastState: GatewayState | undefined;
  private readonly buses: SimulatedI2cBuses;
  private readonly chips = new Map<string, SimulatedBme280>();
  private readonly header: SimulatedGpioChip;
  private readonly firmwareNode: string;
  private readonly firmwareParent: string;
  private disposed = false;

  constructor(private readonly options: FakePiRootOptions) {
    this.root = mkdtempSync(join(options.parent ?? tmpdir(), 'fieldnode-pi-'));
    this.random = new SeededRandom(options.seed ^ 0xf11e);
    this.gateway = new GatewayModel(options.seed, options.clock.now());
    (options.ds18b20 ?? []).forEach((spec, index) => {
      this.sensors.set(spec.id, { spec, model: new SiteTemperatureModel(options.seed + 101 * (index + 1), spec.site), retained: new Array<number>(9).fill(0), truth: {} });
    });
    this.buses = new SimulatedI2cBuses(new Set([1, ...(options.bme280 ?? []).map((chip) => chip.bus)]));
    (options.bme280 ?? []).forEach((spec, index) => {
      const weather = new WeatherModel({ seed: options.seed + 307 * (index + 1) });
      const chip = new SimulatedBme280({
        clock: options.clock,
        chipId: spec.chip === 'bmp280' ? BMP280_CHIP_ID : undefined,
        air: (epochMs) => {
          const sample = weather.sample(epochMs);
          return { celsius: sample.temperature, pascal: sample.pressure, relativeHumidity: sample.humidity };
        },
      });
      this.chips.set(`${spec.bus}:${spec.address}`, chip);
      this.buses.attach(spec.bus, spec.address, chip);
    });
    this.header = new SimulatedGpioChip(options.clock, options.seed, options.model ?? 'pi4', options.gpio ?? []);
    const node = options.firmwareNode ?? 'soc:firmware';
    const parent = node.includes(':') ? node.slice(0, node.indexOf(':')) : 'soc';
    this.firmwareNode = node;
    this.firmwareParent = parent;
    this.throttledPath = `/sys/devices/platform/${parent}/${node}/get_throttled`;
    this.layOut(node, parent);
    this.update();
  }

  /** The simulated files as drivers read them; free disk space comes from the model. */
  files(): PiFiles {
    const real = new SysfsRoot(this.root);
    return {
      description: `simulated Raspberry Pi files under ${this.root}`,
      readText: (path) => real.readText(path),
      list: (path) => real.list(path),
      space: async () => ({ freeBytes: this.healthTruth().diskFreeBytes, totalBytes: this.healthTruth().diskTotalBytes }),
    };
  }

  /** The simulated I2C buses and the chips on them. */
  i2c(): I2cBuses {
    return this.buses;
  }

  /** The header's simulated GPIO controller, with the devices on its pins. */
  gpio(): SimulatedGpioChip {
    return this.header;
  }

  /** The simulated chip at a bus and address, to read back what it measured. */
  bme280(bus: number, address: number): SimulatedBme280 {
    const chip = this.chips.get(`${bus}:${address}`);
    if (!chip) throw new Error(`no simulated BME280 on bus ${bus} at ${address}`);
    return chip;
  }

  /** Moves the models every update interval until stopped; a disposed tree is laid out again first. */
  start(): void {
    if (this.timer) return;
    if (this.disposed) {
      mkdirSync(this.root, { recursive: true });
      this.layOut(this.firmwareNode, this.firmwareParent);
      this.disposed = false;
      this.update();
    }
    this.header.start();
    const tick = () => {
      this.update();
      this.timer = this.options.clock.setTimeout(tick, this.options.updateIntervalMs ?? 1000);
    };
    this.timer = this.options.clock.setTimeout(tick, this.options.updateIntervalMs ?? 1000);
  }

  stop(): void {
    this.header.stop();
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops and deletes the tree; start() makes it again. */
  dispose(): void {
    this.stop();
    this.disposed = true;
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Applies a fault now; it lasts for `updates` model updates. */
  inject(fault: PiFault): void {
    if ('sensor' in fault && !this.sensors.has(fault.sensor)) throw new Error(`no simulated sensor ${fault.sensor}`);
    if ('address' in fault) this.bme280(fault.bus, fault.address);
    this.faults.push({ fault, remaining: fault.updates ?? 1 });
    this.render(false);
  }

  /** What the sensor's file holds now. */
  ds18b20Truth(id: string): Ds18b20Truth {
    const sensor = this.sensors.get(id);
    if (!sensor) throw new Error(`no simulated sensor ${id}`);
    return sensor.truth;
  }

  /** The health values the files show now. */
  healthTruth(): RenderedHealth {
    if (!this.health) throw new Error('not rendered yet');
    return this.health;
  }

  /** Advances every model to the clock's time and rewrites the files. */
  private update(): void {
    for (const active of this.faults) active.remaining--;
    this.faults = this.faults.filter((active) => active.remaining > 0);
    this.render(true);
  }

  private render(sample: boolean): void {
    const now = this.options.clock.now();
    for (const sensor of this.sensors.values()) this.renderSensor(sensor, sample ? sensor.model.celsiusAt(now) : undefined);
    for (const { bus, address } of this.options.bme280 ?? []) {
      this.buses.setPresent(bus, address, !this.faults.some((active) => active.fault.kind === 'i2c-device-gone' && active.fault.bus === bus && active.fault.address === address));
    }
    this.renderHealth(now, sample);
  }

  private renderSensor(sensor: SensorState, celsius: number | undefined): void {
    const id = sensor.spec.id;
    if (celsius !== undefined) this.lastCelsius.set(id, celsius);
    const raw = Math.round(Math.min(125, Math.max(-55, this.lastCelsius.get(id) ?? 20)) * 16);
    const fault = this.faults.find((active) => 'sensor' in active.fault && active.fault.sensor === id)?.fault.kind;
    const link = `${W1_DEVICES}/${id}`;
    this.remove(link);
    if (fault === 'missing-sensor') {
      sensor.truth = { fault };
      return;
    }
    this.link(link, `../../../devices/w1_bus_master1/${id}`);
    const good = ds18b20Scratchpad(raw);
    let text: string;
    switch (fault) {
      case undefined:
        text = w1SlaveText(good);
        sensor.retained = good;
        sensor.truth = { milliCelsius: kernelMilliCelsius(good) };
        break;
      case 'crc-failure': {
        const bad = [...good];
        const at = Math.floor(this.random.next() * 9);
        bad[at] = bad[at]! ^ (1 + Math.floor(this.random.next() * 255));
        text = w1SlaveText(bad, sensor.retained);
        break;
      }
      case 'no-answer':
        text = '';
        break;
      case 'power-on-reset':
        text = w1SlaveText(ds18b20Scratchpad(0x0550, { afterPowerOn: true }));
        break;
      case 'bus-fault':
        text = w1SlaveText(new Array<number>(9).fill(0));
        break;
      default:
        text = this.corruptRead(w1SlaveText(good));
    }
    if (fault !== undefined) sensor.truth = { fault };
    this.write(`${W1_MASTER}/${id}/w1_slave`, text);
  }

  /** Damages a sensor's read the ways a failing bus or a torn read can: cut short, a changed digit, or noise. */
  private corruptRead(text: string): string {
    const way = Math.floor(this.random.next() * 3);
    if (way === 0) return text.slice(0, 1 + Math.floor(this.random.next() * (text.length - 2)));
    if (way === 1) return text.replace(/t=(-?)(\d)/, (_, sign: string, digit: string) => `t=${sign}${(Number(digit) + 1 + Math.floor(this.random.next() * 8)) % 10}`);
    return this.noise();
  }

  /** Bytes that are no kernel file at all, as from a failing SD card or a wrong root. */
  private noise(): string {
    return Array.from({ length: 20 + Math.floor(this.random.next() * 60) }, () => String.fromCharCode(Math.floor(this.random.next() * 256))).join('');
  }

  private renderHealth(now: number, sample: boolean): void {
    const state = sample || !this.lastState ? this.gateway.stateAt(now) : this.lastState;
    this.lastState = state;
    const active = (kind: PiFault['kind']) => this.faults.some((fault) => fault.fault.kind === kind);
    let word = 0;
    if (active('under-voltage')) word |= UNDER_VOLTAGE | THROTTLED;
    if (active('throttled')) word |= CAPPED | THROTTLED;
    if (state.cpuCelsius >= THROTTLE_CELSIUS) word |= THROTTLED;
    this.sticky |= (word & 0xf) << 16;
    word |= this.sticky;
    this.health = renderedHealth(state, word, (word & UNDER_VOLTAGE) !== 0);
    const files: [string, string][] = [
      ['/sys/class/thermal/thermal_zone0/temp', thermalText(state)],
      ['/proc/loadavg', loadAverageText(state)],
      ['/proc/meminfo', memoryInfoText(state)],
      ['/proc/uptime', uptimeText(state)],
      [this.throttledPath, throttledText(word)],
    ];
    if (this.options.hwmon !== false) files.push(['/sys/class/hwmon/hwmon1/in0_lcrit_alarm', alarmText((word & UNDER_VOLTAGE) !== 0)]);
    for (const [path, text] of files) {
      const fileFault = this.faults.find((fault) => 'file' in fault.fault && fault.fault.file === path)?.fault.kind;
      if (fileFault === 'missing-file') this.remove(path);
      else this.write(path, fileFault === 'corrupt-file' ? this.noise() : text);
    }
  }

  /** The fixed parts of the tree: directories, names and links that do not change. */
  private layOut(node: string, parent: string): void {
    mkdirSync(join(this.root, W1_DEVICES), { recursive: true });
    mkdirSync(join(this.root, W1_MASTER), { recursive: true });
    this.link(`${W1_DEVICES}/w1_bus_master1`, '../../../devices/w1_bus_master1');
    for (const id of this.sensors.keys()) mkdirSync(join(this.root, W1_MASTER, id), { recursive: true });
    this.write('/sys/class/thermal/thermal_zone0/type', 'cpu-thermal\n');
    this.write('/sys/class/hwmon/hwmon0/name', 'cpu_thermal\n');
    if (this.options.hwmon !== false) this.write('/sys/class/hwmon/hwmon1/name', 'rpi_volt\n');
    mkdirSync(join(this.root, `/sys/devices/platform/${parent}/${node}`), { recursive: true });
    this.link(`/sys/bus/platform/drivers/raspberrypi-firmware/${node}`, `../../../../devices/platform/${parent}/${node}`);
  }

  /** Writes whole files by rename, so a reader on another thread never sees half of one. */
  private write(path: string, text: string): void {
    const target = join(this.root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.next`, text);
    renameSync(`${target}.next`, target);
  }

  private link(path: string, to: string): void {
    const at = join(this.root, path);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(to, at);
  }

  private remove(path: string): void {
    rmSync(join(this.root, path), { force: true });
  }
}
