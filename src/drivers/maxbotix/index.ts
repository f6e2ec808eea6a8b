import type { DriverContext, DriverDefinition, DriverInstance, SensorBinding } from '../driver.js';
import { classifyRange, decodeMaxbotixLine, fiveMetreLimits, levelFromRange, type RangeLimits } from './decode.js';
import { maxbotixOptionsShape, refineMaxbotixOptions, type MaxbotixOptions } from './schema.js';

/** The `maxbotix` driver: range and water level from a MaxBotix HRXL-MaxSonar-WR. See README.md beside this file. */
export const maxbotixDriver: DriverDefinition<typeof maxbotixOptionsShape> = {
  type: 'maxbotix',
  summary: 'range (mm) and water level (m) from a MaxBotix HRXL-MaxSonar-WR ultrasonic rangefinder (`R1234` + CR, 9600 baud)',
  optionsShape: maxbotixOptionsShape,
  refineOptions: refineMaxbotixOptions,
  checkBoard: (sensors) => {
    // The limits belong to the one sensor model on the port; sensors that disagree would judge the same line differently.
    const first = sensors[0];
    if (!first) return [];
    return sensors
      .filter((sensor) => sensor.options.minRangeMm !== first.options.minRangeMm || sensor.options.maxRangeMm !== first.options.maxRangeMm)
      .map((sensor) => ({
        path: `${sensor.path}.driver.maxRangeMm`,
        message: `sensors of one MaxSonar share its range limits: ${first.path} uses ${describeLimits(first.options)}, this one ${describeLimits(sensor.options)}`,
      }));
  },
  create: (sensors, context) => createMaxbotixInstance(sensors, context),
};

function describeLimits(options: MaxbotixOptions): string {
  return `${options.minRangeMm}–${options.maxRangeMm} mm`;
}

function createMaxbotixInstance(sensors: readonly SensorBinding<MaxbotixOptions>[], context: DriverContext): DriverInstance {
  const first = sensors[0]?.options;
  const limits: RangeLimits = { minRangeMm: first?.minRangeMm ?? fiveMetreLimits.minRangeMm, maxRangeMm: first?.maxRangeMm ?? fiveMetreLimits.maxRangeMm };
  const outputs = sensors.map((sensor) => {
    const { field, mountHeightMm } = sensor.options;
    const value = field === 'level' && mountHeightMm !== undefined ? (rangeMm: number) => levelFromRange(rangeMm, mountHeightMm) : (rangeMm: number) => rangeMm;
    return { name: sensor.name, unit: sensor.unit, value };
  });
  return {
    // The sensor ends each reading with a CR and no LF.
    // `R####` and its CR: anything much longer is noise.
    framing: { kind: 'lines', delimiter: '\r', maxLineBytes: 64 },
    onLine(line) {
      const decoded = decodeMaxbotixLine(line);
      for (const bad of decoded.malformed) context.problems.count('malformed-line', `${bad.reason}: ${JSON.stringify(bad.text)}`);
      const rangeMm = decoded.rangeMm;
      if (rangeMm === undefined) return;
      const verdict = classifyRange(rangeMm, limits);
      if (verdict === 'no-target') {
        context.problems.count('no-target', `R${rangeMm}: no echo within ${limits.maxRangeMm} mm (water too low, sensor tilted or fouled)`);
        return;
      }
      if (verdict === 'out-of-range') {
        context.problems.count('out-of-range', `R${rangeMm}: outside ${limits.minRangeMm}–${limits.maxRangeMm - 1} mm`);
        return;
      }
      const time = context.clock.now();
      for (const output of outputs) context.emit({ name: output.name, unit: output.unit, value: output.value(rangeMm), time });
    },
  };
}
