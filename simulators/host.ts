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

/** Validates raw options against the device's schema, filling defaults; throws a ConfigError listing every problem. */
function deviceOptions(deviceName: string, rawOptions: Record<string, unknown>): Record<string, unknown> {
  const simulator = simulatorFor(deviceName);
  const parsed = z.strictObject(simulator.optionsShape).safeParse(rawOptions);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })), `${deviceName} options`);
  }
  return parsed.data;
}

/** Builds `deviceName` with raw (unvalidated) options; the simulator's schema fills defaults. */
export function createDevice(deviceName: string, rawOptions: Record<string, unknown>, link: DeviceLink, clock: Clock = systemClock): SimulatedDevice {
  return simulatorFor(deviceName).create(deviceOptions(deviceName, rawOptions), link, clock);
}

/** Runs a device on the device end of a new pty pair; the runtime opens `pty.hostPath`. */
export async function hostOnPty(deviceName: string, rawOptions: Record<string, unknown>, options: { hostPath?: string; clock?: Clock } = {}): Promise<PtyHostedDevice> {
  // Check the options before socat starts, so a typo leaves no process or link behind.
  const validOptions = deviceOptions(deviceName, rawOptions);
  const pty = await createPtyPair(options.hostPath ? { hostPath: options.hostPath } : {});
  let end: Awaited<ReturnType<typeof openDeviceEnd>> | undefined;
  try {
    end = await openDeviceEnd(pty.devicePath);
  } catch (error) {
    await pty.close();
    throw error;
  }
  const deviceEnd = end;
  const device = simulatorFor(deviceName).create(validOptions, deviceEnd.link, options.clock ?? systemClock);
  deviceEnd.onReceive((data) => device.receive?.(data));
  device.start();
  let stopping: Promise<void> | undefined;
  return {
    device,
    pty,
    stop() {
      stopping ??= (async () => {
        device.stop();
        await deviceEnd.close();
        await pty.close();
      })();
      return stopping;
    },
  };
}
