// firmata-io 2.3 ships no typings; this declares the part of its client API fieldnode uses.
declare module 'firmata-io' {
  import { EventEmitter } from 'node:events';

  interface FirmataPin {
    supportedModes: number[];
    analogChannel: number;
    mode?: number;
    value: number;
    report?: number;
  }

  class Firmata extends EventEmitter {
    constructor(transport: unknown, options?: { reportVersionTimeout?: number; samplingInterval?: number; skipCapabilities?: boolean });
    readonly isReady: boolean;
    readonly pins: FirmataPin[];
    readonly analogPins: number[];
    readonly firmware: { name: string; version: { major: number; minor: number } };
    readonly version: { major: number; minor: number };
    readonly MODES: Record<string, number>;
    pinMode(pin: number, mode: number): void;
    analogRead(channel: number, callback: (value: number) => void): void;
    digitalRead(pin: number, callback: (value: number) => void): void;
    reportAnalogPin(channel: number, enable: 0 | 1): void;
    reportDigitalPin(pin: number, enable: 0 | 1): void;
    setSamplingInterval(ms: number): void;
    queryPinState(pin: number, callback: () => void): void;
    reset(): void;
    reportVersion(callback: () => void): void;
    queryFirmware(callback: () => void): void;
  }

  const transportBinder: ((transport: unknown) => typeof Firmata) & { Firmata: typeof Firmata };
  export = transportBinder;
}
