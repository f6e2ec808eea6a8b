import type { DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { decodeLine, type FieldSpec, type LineLayout } from './decode.js';
import { linesOptionsShape, refineLinesOptions, type LinesOptions } from './schema.js';

/** The `lines` driver: text lines from Arduino-class sketches. See README.md beside this file. */
export const linesDriver: DriverDefinition<typeof linesOptionsShape> = {
  type: 'lines',
  summary: 'text lines from a sketch: key=value pairs, CSV columns or JSON objects',
  optionsShape: linesOptionsShape,
  refineOptions: refineLinesOptions,
  checkBoard: (sensors) => {
    // One board prints one layout; sensors that disagree would each see the others' lines as garbage.
    const first = sensors[0];
    if (!first) return [];
    return sensors
      .filter((sensor) => sensor.options.format !== first.options.format || (first.options.format === 'csv' && sensor.options.delimiter !== first.options.delimiter))
      .map((sensor) => ({
        path: `${sensor.path}.driver.format`,
        message: `sensors of one board share one line layout: ${first.path} uses ${describeLayout(first.options)}, this one ${describeLayout(sensor.options)}`,
      }));
  },
  create: (sensors, context) => createLinesInstance(sensors, context),
};

/**
 * Longest line this driver decodes, without its CR. A sketch prints a few dozen characters
 * per line, and decoding a longer line of noise is wasted work on a small gateway.
 */
export const MAX_LINE_CHARS = 1024;

function describeLayout(options: LinesOptions): string {
  return options.format === 'csv' ? `csv separated by ${JSON.stringify(options.delimiter)}` : options.format;
}

function createLinesInstance(sensors: readonly SensorBinding<LinesOptions>[], context: Parameters<typeof linesDriver.create>[1]): DriverInstance {
  const first = sensors[0];
  const layout: LineLayout = { format: first?.options.format ?? 'kv', delimiter: first?.options.delimiter ?? ',' };
  const fields: FieldSpec[] = sensors.map((sensor) => ({ name: sensor.name, unit: sensor.unit, ...sensor.options }));
  return {
    // One more byte for the CR a sketch's println ends with.
    framing: { kind: 'lines', delimiter: '\n', maxLineBytes: MAX_LINE_CHARS + 1 },
    onLine(line) {
      const text = line.endsWith('\r') ? line.slice(0, -1) : line;
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
