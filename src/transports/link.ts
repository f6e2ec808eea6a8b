import type { Lifecycle } from '../core/lifecycle.js';
import type { Pins } from './johnny-five.js';
import type { I2cBuses } from './pi/i2c.js';
import type { PiFiles } from './pi/sysfs.js';

export type LinkState = 'open' | 'closed';

/** What every link has: a name for logs, a start/stop, and its open and closed states. */
export interface Link extends Lifecycle {
  /** For logs and errors: what this is and where (`serial /dev/ttyUSB0 @ 9600`). */
  readonly description: string;
  /** Open and closed (unplugged, stopped), so the board's status and drivers can follow; returns the unsubscribe. */
  onStatus(listener: (state: LinkState, reason?: string) => void): () => void;
}

/**
 * A link of bytes: a serial port, real or a twin's. Real ports, in-process mock ports and
 * ptys all implement it, so one contract test suite covers every one of them.
 */
export interface BytesLink extends Link {
  /** Bytes as they arrive, in order, across reopenings; returns the unsubscribe. */
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Sends bytes to the device (requests, commands); resolves once the OS has them. */
  write(data: Buffer): Promise<void>;
}

/** A link of pins: johnny-five on Firmata or on the Pi's header, ready between 'open' and 'closed'. */
export interface PinsLink extends Link {
  readonly pins: Pins | undefined;
}

/** A link to the gateway itself: its files (sysfs, procfs) and its I2C buses. */
export interface HostLink extends Link {
  readonly files: PiFiles;
  readonly i2c: I2cBuses;
}

/**
 * The device's side of a wire. The same twin writes to an in-process mock port, a pty or
 * stdout; `write` returns false when the reader is behind, as a Node stream does.
 */
export interface DeviceLink {
  write(data: Buffer): boolean;
}

/** A software twin of a device: once started, it emits what the real device emits. */
export interface SimulatedDevice {
  start(): void;
  /** Stops emitting; safe to call twice. */
  stop(): void;
  /** Bytes the host sent to the device (requests, commands); devices that only talk ignore them. */
  receive?(data: Buffer): void;
}
