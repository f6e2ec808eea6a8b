import type { TimerHandle } from '../../core/clock.js';
import type { BytesContext, BytesDriverDefinition, BytesDriverInstance, DeviceBinding } from '../driver.js';
import { FrameScanner } from '../frames.js';
import { RequestResponse } from '../request-response.js';
import { decodeMhz19, MHZ19_PACKET_LENGTH, mhz19ReadRequest, mhz19ResponseLayout } from './decode.js';
import { mhz19DeviceShape, mhz19SensorShape, refineMhz19Device, type Mhz19DeviceOptions, type Mhz19SensorOptions } from './schema.js';

/** A port that just opened may still be settling (adapter, device end): the first request waits this long. */
const OPEN_SETTLE_MS = 100;
/** A pause after which the bytes of an answer received so far are taken as complete. */
const QUIET_MS = 50;

/** The `mhz19` driver: CO2 from a Winsen MH-Z19B, asked for on a schedule. See README.md beside this file. */
export const mhz19Driver: BytesDriverDefinition<typeof mhz19DeviceShape, typeof mhz19SensorShape> = {
  type: 'mhz19',
  summary: 'CO2 from a Winsen MH-Z19B NDIR sensor, asked for every intervalMs (request/response, 9600 baud)',
  link: 'bytes',
  defaultBaud: 9600,
  deviceShape: mhz19DeviceShape,
  sensorShape: mhz19SensorShape,
  refineDevice: refineMhz19Device,
  checkDevice: (device) =>
    // The module measures one quantity: a second sensor would only report the same answer under another name.
    device.sensors.slice(1).map((sensor) => ({
      path: sensor.path,
      message: `an MH-Z19 reports one CO2 concentration, and ${device.sensors[0]!.path} already reads it`,
    })),
  create: (device, context) => createMhz19Instance(device, context),
};

/**
 * Asks every `intervalMs`, on the monotonic clock, whatever the previous answer did: an answer
 * missing after `timeoutMs` is counted (`timeout`), a corrupt one (`bad-frame`) ends the wait,
 * noise is counted (`garbage-bytes`). A sound answer is emitted whenever it arrives, even late:
 * the sensor only speaks when asked, so it is the answer to the last request.
 */
function createMhz19Instance(device: DeviceBinding<Mhz19DeviceOptions, Mhz19SensorOptions>, context: BytesContext): BytesDriverInstance {
  const { intervalMs, timeoutMs } = device.options;
  const { clock, problems } = context;
  let pollTimer: TimerHandle | undefined;
  let quietTimer: TimerHandle | undefined;
  let bytesSinceRequest = 0;

  const scanner = new FrameScanner(
    mhz19ResponseLayout,
    (frame) => {
      exchange.answered();
      const { co2 } = decodeMhz19(frame);
      const time = clock.now();
      for (const sensor of device.sensors) context.emit({ name: sensor.name, unit: sensor.unit, value: co2, time });
    },
    (rejection) => {
      if (rejection.kind === 'garbage') {
        problems.count('garbage-bytes', `${rejection.bytes} bytes outside any answer`);
        return;
      }
      problems.count('bad-frame', rejection.reason);
      exchange.failed();
    },
  );
  const exchange = new RequestResponse<'read-co2'>({
    clock,
    timeoutMs,
    send: () => {
      scanner.reset();
      bytesSinceRequest = 0;
      void context.write(mhz19ReadRequest);
    },
    // A sound answer held back by a header inside it counts as an answer.
    beforeTimeout: () => scanner.flush(),
    onTimeout: () => {
      problems.count('timeout', bytesSinceRequest > 0 ? `${bytesSinceRequest} of ${MHZ19_PACKET_LENGTH} bytes within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`);
      scanner.reset();
    },
  });

  const ask = () => {
    pollTimer = clock.setTimeout(ask, intervalMs);
    // The config keeps timeoutMs below intervalMs, so the last request has always settled by now.
    exchange.request('read-co2');
  };
  const stop = () => {
    for (const timer of [pollTimer, quietTimer]) clock.clearTimeout(timer);
    pollTimer = quietTimer = undefined;
    exchange.stop();
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
