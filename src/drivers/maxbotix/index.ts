import type { BytesDriverDefinition, BytesDriverInstance, DeviceBinding, DriverContext, PathProblem } from '../driver.js';
import { classifyRange, decodeMaxbotixLine, levelFromRange, type RangeLimits } from './decode.js';
import { maxbotixDeviceShape, maxbotixSensorShape, refineMaxbotixDevice, type MaxbotixDeviceOptions, type MaxbotixSensorOptions } from './schema.js';

type MaxbotixDevice = DeviceBinding<MaxbotixDeviceOptions, MaxbotixSensorOptions>;

/** The `maxbotix` driver: range and water level from a MaxBotix HRXL-MaxSonar-WR. See README.md beside this file. */
export const maxbotixDriver: BytesDriverDefinition<typeof maxbotixDeviceShape, typeof maxbotixSensorShape> = {
  type: 'maxbotix',
  summary: 'range (mm) and water level (m) from a MaxBotix HRXL-MaxSonar-WR ultrasonic rangefinder (`R1234` + CR, 9600 baud)',
  link: 'bytes',
  defaultBaud: 9600,
  deviceShape: maxbotixDeviceShape,
  sensorShape: maxbotixSensorShape,
  refineDevice: refineMaxbotixDevice,
  checkDevice: (device) => checkMountHeight(device),
  create: (device, context) => createMaxbotixInstance(device, context),
};

/** A level is measured from the mount height, which the device must then give. */
function checkMountHeight(device: MaxbotixDevice): PathProblem[] {
  if (device.options.mountHeightMm !== undefined) return [];
  const levels = device.sensors.filter((sensor) => sensor.options.field === 'level');
  if (levels.length === 0) return [];
  return [
    {
      path: `${device.path}.device.mountHeightMm`,
      message: `required because ${levels.map((sensor) => sensor.path).join(', ')} report${levels.length === 1 ? 's' : ''} level: the height of the sensor face above the level datum, in mm`,
    },
  ];
}

function createMaxbotixInstance(device: MaxbotixDevice, context: DriverContext): BytesDriverInstance {
  const { minRangeMm, maxRangeMm, mountHeightMm } = device.options;
  const limits: RangeLimits = { minRangeMm, maxRangeMm };
  const outputs = device.sensors.map((sensor) => {
    const value = sensor.options.field === 'level' && mountHeightMm !== undefined ? (rangeMm: number) => levelFromRange(rangeMm, mountHeightMm) : (rangeMm: number) => rangeMm;
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
