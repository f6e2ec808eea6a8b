import type { TimerHandle } from '../../core/clock.js';
import type { DriverContext, DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { FrameScanner } from '../frames.js';
import { decodeMhz19, MHZ19_PACKET_LENGTH, mhz19ReadRequest, mhz19ResponseLayout } from './decode.js';
import { mhz19OptionsShape, refineMhz19Options, type Mhz19Options } from './schema.js';

/** A port that just opened may still be settling (adapter, device end): the first request waits this long. */
const OPEN_SETTLE_MS = 100;
/** A pause after which the bytes of an answer received so far are taken as complete. */
const QUIET_MS = 50;

/** The `mhz19` driver: CO2 from a Winsen MH-Z19B, asked for on a schedule. See README.md beside this file. */
export const mhz19Driver: DriverDefinition<typeof mhz19OptionsShape> = {
  type: 'mhz19',
  summary: 'CO2 from a Winsen MH-Z19B NDIR sensor, asked for every intervalMs (request/response, 9600 baud)',
  optionsShape: mhz19OptionsShape,
  refineOptions: refineMhz19Options,
  checkBoard: (sensors) =>
    // One sensor answers on a UART; a second entry would double the requests and the readings.
    sensors.slice(1).map((sensor) => ({ path: `${sensor.path}.driver`, message: `one MH-Z19 answers on a port, and ${sensors[0]!.path} already reads this board` })),
  create: (sensors, context) => createMhz19Instance(sensors, context),
};

/**
 * Asks every `intervalMs`, on the monotonic clock, whatever the previous answer did: an answer
 * missing after `timeoutMs` is counted (`timeout`), a corrupt one (`bad-frame`) ends the wait,
 * noise is counted (`garbage-bytes`). A sound answer is emitted whenever it arrives.
 */
function createMhz19Instance(sensors: readonly SensorBinding<Mhz19Options>[], context: DriverContext): DriverInstance {
  const { intervalMs, timeoutMs } = sensors[0]?.options ?? { intervalMs: 5000, timeoutMs: 1000 };
  const { clock, problems } = context;
  let pollTimer: TimerHandle | undefined;
  let answerTimer: TimerHandle | undefined;
  let quietTimer: TimerHandle | undefined;
  let waiting = false;
  let bytesSinceRequest = 0;

  const answered = () => {
    waiting = false;
    clock.clearTimeout(answerTimer);
    answerTimer = undefined;
  };
  const scanner = new FrameScanner(
    mhz19ResponseLayout,
    (frame) => {
      answered();
      const { co2 } = decodeMhz19(frame);
      const time = clock.now();
      for (const sensor of sensors) context.emit({ name: sensor.name, unit: sensor.unit, value: co2, time });
    },
    (rejection) => {
      if (rejection.kind === 'garbage') {
        problems.count('garbage-bytes', `${rejection.bytes} bytes outside any answer`);
        return;
      }
      problems.count('bad-frame', rejection.reason);
      answered();
    },
  );

  const giveUp = () => {
    // Called by its timer or early by the next request: either way the old wait is over.
    clock.clearTimeout(answerTimer);
    answerTimer = undefined;
    scanner.flush(); // a sound answer held back by a header inside it counts as an answer
    if (!waiting) return;
    waiting = false;
    problems.count('timeout', bytesSinceRequest > 0 ? `${bytesSinceRequest} of ${MHZ19_PACKET_LENGTH} bytes within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`);
    scanner.reset();
  };
  const ask = () => {
    pollTimer = clock.setTimeout(ask, intervalMs);
    if (waiting) giveUp();
    scanner.reset();
    waiting = true;
    bytesSinceRequest = 0;
    void context.write(mhz19ReadRequest);
    answerTimer = clock.setTimeout(giveUp, timeoutMs);
  };
  const stop = () => {
    for (const timer of [pollTimer, answerTimer, quietTimer]) clock.clearTimeout(timer);
    pollTimer = answerTimer = quietTimer = undefined;
    waiting = false;
    scanner.reset();
  };

  return {
    framing: { kind: 'bytes' },
    onBytes: (chunk) => {
      bytesSinceRequest += chunk.length;
      scanner.push(chunk);
      clock.clearTimeout(quietTimer);
      quietTimer = clock.setTimeout(() => scanner.flush(), QUIET_MS);
    },
    onOpen: () => {
      stop();
      pollTimer = clock.setTimeout(ask, OPEN_SETTLE_MS);
    },
    onClose: stop,
  };
}
