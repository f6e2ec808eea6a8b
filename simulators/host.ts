/**
 * Runs a simulated device on a real wire: a pty pair (for the runtime's real serialport
 * binding, or any serial terminal) or any writable stream such as stdout.
 */
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { ConfigError, describeIssue, systemClock, type Clock, type DeviceLink, type SimulatedDevice, type TwinDefinition } from '../src/index.js';
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
  /** The current pty pair; a new one after each replug, under the same host path. */
  readonly pty: PtyPair;
  /** False from an unplug until the replug has made the new pty. */
  readonly plugged: boolean;
  /** Pulls the cable: the pty disappears, the device keeps running and talks into the void. */
  unplug(): Promise<void>;
  /** Plugs it back in: a new pty under the same path, the device talking on it again. */
  replug(): Promise<void>;
}

/**
 * A link whose far end can be cut and reconnected, as a USB cable: writes while it is
 * cut are lost, which is what a device on an unplugged adapter amounts to.
 */
class SwitchableLink implements DeviceLink {
  target: DeviceLink | undefined;

  write(data: Buffer): boolean {
    return this.target?.write(data) ?? true;
  }
}

/** A twin given by name (a bundled one) or by definition (a plugin's). */
export type TwinRef = string | TwinDefinition;

/** The definition behind a twin reference; an unknown name throws, listing the bundled ones. */
export function resolveTwin(twin: TwinRef): TwinDefinition {
  return typeof twin === 'string' ? simulatorFor(twin) : twin;
}

/** Validates raw options against the twin's schema, filling defaults; throws a ConfigError listing every problem. */
export function twinOptions(twin: TwinDefinition, rawOptions: Record<string, unknown>): Record<string, unknown> {
  const parsed = z.strictObject(twin.optionsShape).safeParse(rawOptions, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap(describeIssue), `${twin.device} options`);
  }
  return parsed.data;
}

/** Builds a twin with raw (unvalidated) options; its schema fills defaults. */
export function createDevice(twin: TwinRef, rawOptions: Record<string, unknown>, link: DeviceLink, clock: Clock = systemClock): SimulatedDevice {
  const definition = resolveTwin(twin);
  return definition.create(twinOptions(definition, rawOptions), link, clock);
}

/** Runs a twin on the device end of a new pty pair; the runtime opens `pty.hostPath`. */
export async function hostOnPty(twin: TwinRef, rawOptions: Record<string, unknown>, options: { hostPath?: string; clock?: Clock } = {}): Promise<PtyHostedDevice> {
  const definition = resolveTwin(twin);
  // Check the options before socat starts, so a typo leaves no process or link behind.
  const validOptions = twinOptions(definition, rawOptions);
  const link = new SwitchableLink();
  const device = definition.create(validOptions, link, options.clock ?? systemClock);
  const plug = async (hostPath?: string) => {
    const pty = await createPtyPair(hostPath ? { hostPath } : {});
    try {
      const end = await openDeviceEnd(pty.devicePath);
      end.onReceive((data) => device.receive?.(data));
      link.target = end.link;
      return { pty, end };
    } catch (error) {
      await pty.close();
      throw error;
    }
  };
  let wire: Awaited<ReturnType<typeof plug>> | undefined = await plug(options.hostPath);
  const hostPath = wire.pty.hostPath;
  let currentPty = wire.pty;
  let stopped = false;
  // The old pty's teardown, which a replug waits for: socat removes its link when it exits,
  // and would remove the new pty's link, made under the same path, if that came first.
  let unplugging: Promise<void> = Promise.resolve();
  let replugging: Promise<void> | undefined;
  const unplug = () => {
    const current = wire;
    wire = undefined;
    link.target = undefined;
    if (current) {
      unplugging = unplugging
        .catch(() => undefined)
        .then(async () => {
          await current.end.close();
          await current.pty.close();
        });
    }
    return unplugging;
  };
  const replug = async () => {
    await unplugging.catch(() => undefined);
    if (wire || stopped) return;
    const plugged = await plug(hostPath);
    if (stopped) {
      // Stopped while the new pty was being made: take it down again.
      link.target = undefined;
      await plugged.end.close();
      await plugged.pty.close();
      return;
    }
    wire = plugged;
    currentPty = plugged.pty;
  };
  device.start();
  let stopping: Promise<void> | undefined;
  return {
    device,
    get pty() {
      return currentPty;
    },
    get plugged() {
      return wire !== undefined;
    },
    unplug,
    replug() {
      replugging ??= replug().finally(() => (replugging = undefined));
      return replugging;
    },
    stop() {
      stopped = true;
      stopping ??= (async () => {
        device.stop();
        // A replug under way finishes (and takes its new pty down) before stop resolves.
        await replugging?.catch(() => undefined);
        await unplug();
      })();
      return stopping;
    },
  };
}
