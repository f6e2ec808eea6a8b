/**
 * Decode rate of each serial driver on one core: the driver fed its twin's bytes as fast as
 * it takes them (streaming devices), or driven request by request against its twin in a
 * closed loop (devices that answer). Frames per second, far above any real device, so that
 * fuzzing and fleets stay cheap.
 */
import { z } from 'zod';
import { VirtualClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { ProblemCounter } from '../src/core/problems.js';
import type { BytesDriverDefinition, BytesDriverInstance } from '../src/drivers/driver.js';
import { driverRegistry } from '../src/drivers/registry.js';
import type { SimulatedDevice } from '../src/catalog/twin.js';
import { createDevice } from '../simulators/host.js';
import { LineFramer } from '../src/transports/line-framing.js';
import { printTable } from './support.js';

/** One driver and the twin that feeds it. */
export interface DecoderCase {
  readonly type: string;
  readonly device: string;
  /** The twin's options. */
  readonly deviceOptions?: Record<string, unknown>;
  /** The driver's device options, as in a config's `device` (`type` left out). */
  readonly driverDevice?: Record<string, unknown>;
  /** The driver's options of each sensor, as in a config's `sensors` (name and unit left out). */
  readonly sensors: Record<string, unknown>[];
  /** For request/response devices: the polling interval the driver was configured with. */
  readonly pollIntervalMs?: number;
}

interface Rig {
  readonly instance: BytesDriverInstance;
  readonly clock: VirtualClock;
  readings(): number;
  problems(): Record<string, number>;
}

function rig(decoderCase: DecoderCase, write: (data: Buffer) => void): Rig {
  const clock = new VirtualClock(Date.UTC(2026, 5, 1));
  const problems = new ProblemCounter(silentLogger, clock);
  let readings = 0;
  const driver = (driverRegistry as unknown as Record<string, BytesDriverDefinition>)[decoderCase.type]!;
  // Options as a config would give them: through the driver's own schemas, defaults filled.
  const deviceOptions = z.strictObject(driver.deviceShape).parse(decoderCase.driverDevice ?? {});
  const sensorSchema = z.strictObject(driver.sensorShape);
  const sensors = decoderCase.sensors.map((options, index) => ({ name: `s${index}`, options: sensorSchema.parse(options), path: `boards[0].sensors[${index}]` }));
  const instance = driver.create(
    { boardId: 'bench', path: 'boards[0]', options: deviceOptions, sensors },
    {
      clock,
      logger: silentLogger,
      problems,
      emit: () => void readings++,
      offerTime: () => undefined,
      write: async (data) => write(data),
    },
  );
  return { instance, clock, readings: () => readings, problems: () => problems.snapshot() };
}

/** Hands bytes to a driver the way the runtime does: through the line framer for line drivers. */
function feeder(instance: BytesDriverInstance): (chunk: Buffer) => void {
  const framing = instance.framing;
  if (framing.kind === 'bytes') return (chunk) => instance.onBytes?.(chunk);
  const framer = new LineFramer((line) => instance.onLine?.(line), { delimiter: framing.delimiter, maxLineBytes: framing.maxLineBytes });
  return (chunk) => framer.push(chunk);
}

/** Frames per second for one case, over `frames` frames. */
export async function measureDecoder(decoderCase: DecoderCase, frames: number): Promise<{ framesPerSecond: number; readingsPerFrame: number; problems: Record<string, number> }> {
  let toDriver: (data: Buffer) => void = () => undefined;
  let toDevice: (data: Buffer) => void = () => undefined;
  const under = rig(decoderCase, (request) => toDevice(request));
  // The twin lives on the same virtual clock, so a device that answers after a delay answers within the loop.
  const device = createDevice(decoderCase.device, decoderCase.deviceOptions ?? {}, { write: (data) => (toDriver(data), true) }, under.clock);
  toDevice = (request) => device.receive?.(request);
  const feed = feeder(under.instance);
  // Devices that talk on their own can be told to emit now (weather station, PeriodicDevice twins).
  const talker = device as SimulatedDevice & { emitAt?: (epochMs: number) => unknown };
  if (typeof talker.emitAt === 'function') {
    const chunks: Buffer[] = [];
    toDriver = (data) => chunks.push(Buffer.from(data));
    for (let index = 0; index < frames; index++) talker.emitAt(Date.UTC(2026, 5, 1) + index * 1000);
    const stream = Buffer.concat(chunks);
    const started = performance.now();
    for (let offset = 0; offset < stream.length; offset += 4096) feed(stream.subarray(offset, offset + 4096));
    const seconds = (performance.now() - started) / 1000;
    return { framesPerSecond: frames / seconds, readingsPerFrame: under.readings() / frames, problems: under.problems() };
  }
  // A device that answers: each request the driver writes is answered, in a closed loop on
  // virtual time; each cycle lets the event loop turn once, as the driver's writes resolve there.
  toDriver = feed;
  const interval = decoderCase.pollIntervalMs ?? 1000;
  device.start();
  under.instance.onOpen?.();
  const started = performance.now();
  for (let index = 0; index < frames; index++) {
    under.clock.advance(interval / 2);
    await new Promise((resolve) => setImmediate(resolve));
    under.clock.advance(interval / 2);
  }
  const seconds = (performance.now() - started) / 1000;
  under.instance.onClose?.();
  device.stop();
  return { framesPerSecond: frames / seconds, readingsPerFrame: under.readings() / frames, problems: under.problems() };
}

/** Prints the decode rate of every case. */
export async function runDecoders(cases: readonly DecoderCase[], frames: number): Promise<void> {
  const rows: [string, string, string][] = [];
  for (const decoderCase of cases) {
    const result = await measureDecoder(decoderCase, frames);
    const mode = decoderCase.pollIntervalMs === undefined ? 'streamed' : 'request and answer, closed loop';
    rows.push([decoderCase.type, result.framesPerSecond.toFixed(0), `frames/s (${mode}), ${result.readingsPerFrame.toFixed(1)} readings per frame, problems ${JSON.stringify(result.problems)}`]);
  }
  printTable('decode rate per driver, one core (target ≥ 50,000 frames/s each)', rows);
}
