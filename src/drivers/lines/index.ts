import type { BytesDriverDefinition, BytesDriverInstance, DeviceBinding, DriverContext, PathProblem } from '../driver.js';
import { findFirmwareBanner } from './banner.js';
import { decodeLine, type FieldSpec } from './decode.js';
import { linesDeviceShape, linesSensorShape, refineLinesSensor, type LinesDeviceOptions, type LinesSensorOptions } from './schema.js';

type LinesDevice = DeviceBinding<LinesDeviceOptions, LinesSensorOptions>;

/** The `lines` driver: text lines from Arduino-class sketches. See README.md beside this file. */
export const linesDriver: BytesDriverDefinition<typeof linesDeviceShape, typeof linesSensorShape> = {
  type: 'lines',
  summary: 'text lines from a sketch: key=value pairs, CSV columns or JSON objects',
  link: 'bytes',
  simulatedBy: { twin: 'weather-station' },
  // What most sketches pass to Serial.begin.
  defaultBaud: 9600,
  deviceShape: linesDeviceShape,
  sensorShape: linesSensorShape,
  refineSensor: refineLinesSensor,
  checkDevice: (device) => checkFieldLocations(device),
  create: (device, context) => createLinesInstance(device, context),
};

/**
 * Longest line this driver decodes, without its CR. A sketch prints a few dozen characters
 * per line, and decoding a longer line of noise is wasted work on a small gateway.
 */
export const MAX_LINE_CHARS = 1024;

/** The board's format decides how each sensor finds its field: a csv sensor by its column, a kv or json one by its key. */
function checkFieldLocations(device: LinesDevice): PathProblem[] {
  const { format } = device.options;
  const needed = format === 'csv' ? 'column' : 'key';
  return device.sensors
    .filter((sensor) => sensor.options[needed] === undefined)
    .map((sensor) => ({ path: `${sensor.path}.${needed}`, message: `required: the device prints ${format} lines (${device.path}.device.format)` }));
}

function createLinesInstance(device: LinesDevice, context: DriverContext): BytesDriverInstance {
  const layout = device.options;
  const fields: FieldSpec[] = device.sensors.map((sensor) => ({ name: sensor.name, unit: sensor.unit, ...sensor.options }));
  return {
    // One more byte for the CR a sketch's println ends with.
    framing: { kind: 'lines', delimiter: '\n', maxLineBytes: MAX_LINE_CHARS + 1 },
    onLine(line) {
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
      // The firmware banner says what the board runs, for its birth. A line the reset cut
      // short before it is dropped: its last value may be cut too (h=5 of h=55.2).
      const banner = findFirmwareBanner(text);
      if (banner) {
        context.identify?.(banner.firmware);
        if (banner.cut !== '' && !banner.cut.startsWith('#')) context.problems.count('partial-line', `a line cut by a reset, dropped: ${banner.cut}`);
        return;
      }
      // Blank lines and `#` comments (banners a sketch prints at reset) carry no data.
      if (text.trim() === '' || text.startsWith('#')) return;
      const time = context.clock.now();
      const outcome = decodeLine(text, layout, fields);
      if (!outcome.ok) {
        context.problems.count('malformed-line', `${outcome.reason}: ${text}`);
        return;
      }
      for (const bad of outcome.line.badFields) context.problems.count('bad-field', `${bad.name}: ${bad.reason}`);
      for (const value of outcome.line.values) context.emit({ name: value.name, unit: value.unit, value: value.value, time });
    },
  };
}
