import type { TimerHandle } from '../core/clock.js';
import type { BytesDriverInstance, DriverContext } from './driver.js';
import { FrameScanner, type FrameLayout } from './frames.js';

/** A pause after which the bytes received so far are taken as complete. */
const QUIET_MS = 100;

/**
 * A driver instance for sensors that stream binary frames on their own (SDS011, PMS5003):
 * frames are found by `layout`, decoded by `decode`, and each configured sensor picks its field.
 * Noise and corrupt frames are counted (`garbage-bytes`, `bad-frame`), never thrown.
 */
export function streamingFrameDriver<Decoded>(
  layout: FrameLayout,
  decode: (frame: Buffer) => Decoded,
  sensors: readonly { name: string; unit?: string | undefined; pick: (decoded: Decoded) => number | undefined }[],
  context: DriverContext,
): BytesDriverInstance {
  const scanner = new FrameScanner(
    layout,
    (frame) => {
      const decoded = decode(frame);
      const time = context.clock.now();
      for (const sensor of sensors) {
        const value = sensor.pick(decoded);
        if (value !== undefined) context.emit({ name: sensor.name, unit: sensor.unit, value, time });
      }
    },
    (rejection) => {
      if (rejection.kind === 'garbage') context.problems.count('garbage-bytes', `${rejection.bytes} bytes outside any frame`);
      else context.problems.count('bad-frame', rejection.reason);
    },
  );
  // Frames of one report arrive together; a pause this long means the burst is complete.
  let quietTimer: TimerHandle | undefined;
  return {
    framing: { kind: 'bytes' },
    onBytes: (chunk) => {
      scanner.push(chunk);
      context.clock.clearTimeout(quietTimer);
      quietTimer = context.clock.setTimeout(() => scanner.flush(), QUIET_MS);
    },
    onOpen: () => scanner.reset(),
    onClose: () => {
      context.clock.clearTimeout(quietTimer);
      quietTimer = undefined;
    },
  };
}
