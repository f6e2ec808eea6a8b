/**
 * Twin of an Arduino running StandardFirmata 2.5: it announces its version and firmware when
 * the port opens (as a freshly reset board does), answers capability, analog-mapping and
 * pin-state queries, honours pin modes, analog and digital reporting and the sampling
 * interval, byte for byte, so johnny-five and the firmata client connect to it unmodified.
 * Its pins are driven by physical models: an analog thermometer (LM35 or TMP36) and a
 * tipping-bucket rain gauge pulsing a digital input, and optionally a fast pulse train (a
 * traffic loop detector's relay, a flow meter) to find how fast Firmata reporting can count.
 */
import { z } from 'zod';
import type { Clock, DeviceLink, SimulatedDevice, TimerHandle, TwinDefinition } from '../../src/index.js';
import { HostMessageParser, type HostMessage } from '../firmata/message-parser.js';
import { analogMappingBody, capabilityResponseBody, FIRMATA_BOARD_LAYOUTS, isDigitalPin, modesAfterReset, supportsMode, type FirmataBoardLayout } from '../firmata/boards.js';
import { FIRMATA, PIN_MODE, PROTOCOL_VERSION, sevenBit, sysex, sysexString } from '../firmata/protocol.js';
import { WeatherModel } from '../models/weather.js';

export const firmataBoardOptionsShape = {
  seed: z.number().int().default(1),
  board: z.enum(['uno', 'nano', 'mega']).default('uno'),
  firmware: z.string().default('StandardFirmata.ino'),
  thermometer: z
    .strictObject({ channel: z.number().int().min(0).max(15).default(0), sensor: z.enum(['LM35', 'TMP36']).default('LM35') })
    .default({ channel: 0, sensor: 'LM35' })
    .describe('analog channel the thermometer is wired to, and which sensor it is'),
  rainGauge: z
    .strictObject({ pin: z.number().int().min(2).default(2), tipsPerHour: z.number().min(0).default(0).describe('0: follow the weather model; else a steady rate') })
    .default({ pin: 2, tipsPerHour: 0 })
    .describe('digital input the tipping bucket pulls low once per tip (reed switch to ground, pull-up)'),
  pulses: z
    .strictObject({ pin: z.number().int().min(2), hz: z.number().positive().max(5000).describe('pulses per second, square wave') })
    .optional()
    .describe('a steady pulse train on a digital input (a loop detector relay, a flow meter)'),
};

export type FirmataBoardOptions = z.infer<z.ZodObject<typeof firmataBoardOptionsShape>>;

/** Analog reference of the AVR boards: 5 V over 10 bits. */
const ADC_MAX = 1023;
const ADC_REFERENCE_V = 5;
/** How often the twin repeats its reset announcement while no host has spoken to it. */
const ANNOUNCE_REPEAT_MS = 500;
/** How long the bucket's reed switch stays closed per tip. */
const TIP_CLOSED_MS = 50;

export class FirmataBoard implements SimulatedDevice {
  readonly layout: FirmataBoardLayout;
  private readonly parser: HostMessageParser;
  private readonly model: WeatherModel;
  private readonly modes: number[];
  /** The level on each pin: what a digital report reads. */
  private readonly pinValues: number[];
  /** StandardFirmata's pinState: the value last written or set by a mode change, which PIN_STATE_RESPONSE carries. */
  private readonly pinStates: number[];
  private readonly analogReporting = new Set<number>();
  private readonly digitalReporting = new Set<number>();
  private samplingIntervalMs = 19;
  private samplingTimer: TimerHandle | undefined;
  private tipTimer: TimerHandle | undefined;
  private announceTimer: TimerHandle | undefined;
  private heardFromHost = false;
  private running = false;
  private pulseTimer: TimerHandle | undefined;
  private pulseOrigin = 0;
  private pulseEdges = 0;
  /** Falling edges of the pulse train that went out in a digital report: what a host can count. */
  pulsesReported = 0;
  private lastRainMm: number | undefined;
  private readonly tipListeners: ((time: number) => void)[] = [];
  /** Temperatures the thermometer pin carried, by report: lets tests compare with what the host read. */
  lastTemperature: number | undefined;

  constructor(
    private readonly options: FirmataBoardOptions,
    private readonly link: DeviceLink,
    private readonly clock: Clock,
  ) {
    this.layout = FIRMATA_BOARD_LAYOUTS[options.board];
    this.parser = new HostMessageParser((message) => this.handle(message));
    this.model = new WeatherModel({ seed: options.seed });
    this.modes = modesAfterReset(this.layout);
    this.pinStates = Array.from({ length: this.layout.pins }, () => 0);
    this.pinValues = Array.from({ length: this.layout.pins }, () => 0);
    this.pinValues[options.rainGauge.pin] = 1; // pulled up: the switch is open
    if (options.pulses) this.pinValues[options.pulses.pin] = 1;
  }

  /** Called at each bucket tip, after the pin went low: tests count what the host should count. */
  onTip(listener: (time: number) => void): void {
    this.tipListeners.push(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.heardFromHost = false;
    this.announce();
    this.scheduleSampling();
    this.scheduleTip();
    this.pulseOrigin = this.clock.monotonic();
    this.pulseEdges = 0;
    this.schedulePulses();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.samplingTimer);
    this.clock.clearTimeout(this.tipTimer);
    this.clock.clearTimeout(this.announceTimer);
    this.clock.clearTimeout(this.pulseTimer);
    this.samplingTimer = this.tipTimer = this.announceTimer = this.pulseTimer = undefined;
  }

  receive(data: Buffer): void {
    if (!this.running) return;
    this.heardFromHost = true;
    this.parser.push(data);
  }

  /**
   * A freshly reset StandardFirmata announces its version and firmware; firmata.js waits for
   * that before anything else. A real board is reset by the host opening the port (DTR); a
   * twin on a pty cannot see the open, so it repeats the announcement until the host speaks.
   */
  private announce(): void {
    this.send(Buffer.from([FIRMATA.REPORT_VERSION, PROTOCOL_VERSION.major, PROTOCOL_VERSION.minor]));
    this.sendFirmware();
    this.announceTimer = this.clock.setTimeout(() => {
      if (this.running && !this.heardFromHost) this.announce();
    }, ANNOUNCE_REPEAT_MS);
  }

  private handle(message: HostMessage): void {
    if (message.kind === 'single') {
      if (message.command === FIRMATA.REPORT_VERSION) this.send(Buffer.from([FIRMATA.REPORT_VERSION, PROTOCOL_VERSION.major, PROTOCOL_VERSION.minor]));
      if (message.command === FIRMATA.SYSTEM_RESET) this.reset();
      return;
    }
    if (message.kind === 'sysex') return this.handleSysex(message.command, message.data);
    const [first = 0, second = 0] = message.data;
    switch (message.command) {
      case FIRMATA.SET_PIN_MODE:
        return this.setPinMode(first, second);
      case FIRMATA.REPORT_ANALOG:
        if (first) this.analogReporting.add(message.channel);
        else this.analogReporting.delete(message.channel);
        return;
      case FIRMATA.REPORT_DIGITAL:
        if (first) {
          this.digitalReporting.add(message.channel);
          this.reportPort(message.channel);
        } else this.digitalReporting.delete(message.channel);
        return;
      case FIRMATA.DIGITAL_MESSAGE: {
        const bits = first | (second << 7);
        for (let bit = 0; bit < 8; bit++) {
          const pin = message.channel * 8 + bit;
          if (pin < this.layout.pins && this.modes[pin] === PIN_MODE.OUTPUT) this.pinValues[pin] = this.pinStates[pin] = (bits >> bit) & 1;
        }
        return;
      }
      case FIRMATA.SET_DIGITAL_PIN_VALUE:
        if (first < this.layout.pins && this.modes[first] === PIN_MODE.OUTPUT) this.pinValues[first] = this.pinStates[first] = second ? 1 : 0;
        return;
    }
  }

  private handleSysex(command: number, data: readonly number[]): void {
    switch (command) {
      case FIRMATA.REPORT_FIRMWARE:
        return this.sendFirmware();
      case FIRMATA.CAPABILITY_QUERY:
        return this.send(sysex(FIRMATA.CAPABILITY_RESPONSE, capabilityResponseBody(this.layout)));
      case FIRMATA.ANALOG_MAPPING_QUERY:
        return this.send(sysex(FIRMATA.ANALOG_MAPPING_RESPONSE, analogMappingBody(this.layout)));
      case FIRMATA.PIN_STATE_QUERY: {
        const pin = data[0] ?? 0;
        // StandardFirmata answers a pin past TOTAL_PINS with the pin number alone.
        if (pin >= this.layout.pins) return this.send(sysex(FIRMATA.PIN_STATE_RESPONSE, [pin]));
        return this.send(sysex(FIRMATA.PIN_STATE_RESPONSE, [pin, this.modes[pin]!, this.pinStates[pin]! & 0x7f]));
      }
      case FIRMATA.SAMPLING_INTERVAL: {
        const interval = (data[0] ?? 0) | ((data[1] ?? 0) << 7);
        // StandardFirmata's MINIMUM_SAMPLING_INTERVAL is 1 ms.
        this.samplingIntervalMs = Math.max(1, interval);
        return;
      }
    }
  }

  private sendFirmware(): void {
    this.send(sysex(FIRMATA.REPORT_FIRMWARE, [PROTOCOL_VERSION.major, PROTOCOL_VERSION.minor, ...sysexString(this.options.firmware)]));
  }

  /**
   * setPinModeCallback: a mode the pin does not list in its capabilities leaves it as it was
   * (RX and TX take none); an accepted one clears the pin's state, PULLUP sets it to 1.
   */
  private setPinMode(pin: number, mode: number): void {
    if (pin >= this.layout.pins || !supportsMode(this.layout, pin, mode)) return;
    this.modes[pin] = mode;
    this.pinStates[pin] = mode === PIN_MODE.PULLUP ? 1 : 0;
  }

  /** systemResetCallback: reporting off, the default sampling interval, every pin back to its reset mode. */
  private reset(): void {
    this.analogReporting.clear();
    this.digitalReporting.clear();
    this.samplingIntervalMs = 19;
    modesAfterReset(this.layout).forEach((mode, pin) => {
      this.modes[pin] = mode;
      this.pinStates[pin] = 0;
    });
  }

  /** The ADC count of an analog channel now. */
  analogValue(channel: number): number {
    if (channel !== this.options.thermometer.channel) return 0;
    const sample = this.model.sample(this.clock.now());
    this.lastTemperature = sample.temperature;
    const volts = this.options.thermometer.sensor === 'LM35' ? sample.temperature / 100 : 0.5 + sample.temperature / 100;
    return Math.max(0, Math.min(ADC_MAX, Math.round((volts / ADC_REFERENCE_V) * ADC_MAX)));
  }

  private scheduleSampling(): void {
    this.samplingTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      for (const channel of [...this.analogReporting].sort((a, b) => a - b)) {
        if (channel > 15) continue;
        this.send(Buffer.from([FIRMATA.ANALOG_MESSAGE | channel, ...sevenBit(this.analogValue(channel))]));
      }
      this.scheduleSampling();
    }, this.samplingIntervalMs);
  }

  /** The next bucket tip: at the steady rate, or when the weather model's rain has filled the bucket. */
  private scheduleTip(): void {
    const rate = this.options.rainGauge.tipsPerHour;
    const delay = rate > 0 ? 3_600_000 / rate : 60_000;
    this.tipTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      const tips = rate > 0 ? 1 : this.tipsFromModel();
      for (let index = 0; index < tips; index++) this.tip(index * TIP_CLOSED_MS * 2);
      this.scheduleTip();
    }, delay);
  }

  /**
   * Edges due since the last tick, each sent as its own port report as StandardFirmata's loop
   * would, since timers only tick every millisecond or so while the train may be faster.
   */
  private schedulePulses(): void {
    const pulses = this.options.pulses;
    if (!pulses) return;
    this.pulseTimer = this.clock.setTimeout(() => {
      if (!this.running) return;
      const due = Math.floor(((this.clock.monotonic() - this.pulseOrigin) * pulses.hz * 2) / 1000);
      for (; this.pulseEdges < due; this.pulseEdges++) {
        const falling = this.pulseEdges % 2 === 0;
        const reported = this.setInput(pulses.pin, falling ? 0 : 1);
        if (falling && reported) this.pulsesReported++;
      }
      this.schedulePulses();
    }, 1);
  }

  private tipsFromModel(): number {
    const rain = this.model.sample(this.clock.now()).rain;
    const tips = this.lastRainMm === undefined ? 0 : Math.round((rain - this.lastRainMm) / 0.2);
    this.lastRainMm = rain;
    return Math.max(0, tips);
  }

  private tip(afterMs: number): void {
    const pin = this.options.rainGauge.pin;
    const close = () => {
      this.setInput(pin, 0);
      for (const listener of this.tipListeners) listener(this.clock.now());
      this.clock.setTimeout(() => this.setInput(pin, 1), TIP_CLOSED_MS);
    };
    if (afterMs === 0) close();
    else this.clock.setTimeout(close, afterMs);
  }

  /** Drives an input; true if the change went out in a digital report. */
  private setInput(pin: number, value: number): boolean {
    if (!this.running || this.pinValues[pin] === value) return false;
    this.pinValues[pin] = value;
    const port = pin >> 3;
    if (!this.digitalReporting.has(port)) return false;
    this.reportPort(port);
    return true;
  }

  private reportPort(port: number): void {
    let bits = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pin = port * 8 + bit;
      const mode = this.modes[pin];
      // portConfigInputs: only digital pins set to INPUT or PULLUP report their level (never RX, TX).
      if (isDigitalPin(this.layout, pin) && (mode === PIN_MODE.INPUT || mode === PIN_MODE.PULLUP)) bits |= (this.pinValues[pin]! & 1) << bit;
    }
    this.send(Buffer.from([FIRMATA.DIGITAL_MESSAGE | port, ...sevenBit(bits)]));
  }

  private send(bytes: Buffer): void {
    this.link.write(bytes);
  }
}

export const firmataBoardSimulator: TwinDefinition<typeof firmataBoardOptionsShape> = {
  device: 'firmata-board',
  summary: 'Arduino Uno, Nano or Mega running StandardFirmata: a thermometer on an analog pin, a rain gauge pulsing a digital pin',
  defaultBaud: 57600,
  optionsShape: firmataBoardOptionsShape,
  create: (options, link, clock) => new FirmataBoard(options, link, clock),
  readBy: 'pins',
};
