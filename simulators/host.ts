/**
 * Runs a simulated device on a real wire: a pty pair (for the runtime's real serialport
 * binding, or any serial terminal) or any writable stream such as stdout.
 */
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { formatPath } from '../src/config/load.js';
import { ConfigError } from '../src/core/errors.js';
import { systemClock, type Clock } from '../src/core/clock.js';
import type { DeviceLink, SimulatedDevice } from './device.js';
import { simulatorFor } from './registry.js';
import { createPtyPair, openDeviceEnd, type PtyPair } from './transports/pty.js';

/** A link that writes into a Node stream and reports its backpressure. */
export function streamLink(stream: Writable): DeviceLink {
  return { write: (data) => stream.write(data) };
}

export interface HostedDevice {
  readonly device: SimulatedDevice;
  stop(): Promise<void>;
}

export interface PtyHostedDevice extends HostedDevice {
  readonly pty: PtyPair;
}

/** Starts `deviceName` with raw (unvalidated) options; the simulator's schema fills defaults. */
export function createDevice(deviceName: string, rawOptions: Record<string, unknown>, link: DeviceLink, clock: Clock = systemClock): SimulatedDevice {
  const simulator = simulatorFor(deviceName);
  const parsed = z.strictObject(simulator.optionsShape).safeParse(rawOptions);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })), `${deviceName} options`);
  }
  return simulator.create(parsed.data, link, clock);
}

/** Runs a device on the device end of a new pty pair; the runtime opens `pty.hostPath`. */
export async function hostOnPty(deviceName: string, rawOptions: Record<string, unknown>, options: { hostPath?: string; clock?: Clock } = {}): Promise<PtyHostedDevice> {
  const pty = await createPtyPair(options.hostPath ? { hostPath: options.hostPath } : {});
  const end = await openDeviceEnd(pty.devicePath);
  const device = createDevice(deviceName, rawOptions, end.link, options.clock);
  end.onReceive((data) => device.receive?.(data));
  device.start();
  let stopping: Promise<void> | undefined;
  return {
    device,
    pty,
    stop() {
      stopping ??= (async () => {
        device.stop();
        await end.close();
        await pty.close();
      })();
      return stopping;
    },
  };
}
