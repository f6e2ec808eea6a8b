import type { DriverDefinition } from './driver.js';
import { linesDriver } from './lines/index.js';
import { sds011Driver } from './sds011/index.js';
import { ds18b20Driver } from './ds18b20/index.js';
import { bme280Driver } from './bme280/index.js';
import { thermometerDriver } from './thermometer/index.js';
import { analogDriver } from './analog/index.js';
import { digitalDriver } from './digital/index.js';
import { pulseCounterDriver } from './pulse-counter/index.js';
import { gatewayHealthDriver } from './gateway-health/index.js';
import { mhz19Driver } from './mhz19/index.js';
import { modbusRtuDriver } from './modbus-rtu/index.js';
import { nmeaGpsDriver } from './nmea-gps/index.js';
import { maxbotixDriver } from './maxbotix/index.js';
import { pms5003Driver } from './pms5003/index.js';

/**
 * Every built-in driver, keyed by the config's `boards[].device.type`. An explicit literal, not
 * import side effects: what is here (and in the plugins a config names) is what a config may name.
 */
export const driverRegistry = {
  lines: linesDriver,
  sds011: sds011Driver,
  ds18b20: ds18b20Driver,
  bme280: bme280Driver,
  thermometer: thermometerDriver,
  analog: analogDriver,
  digital: digitalDriver,
  'pulse-counter': pulseCounterDriver,
  'gateway-health': gatewayHealthDriver,
  mhz19: mhz19Driver,
  'modbus-rtu': modbusRtuDriver,
  'nmea-gps': nmeaGpsDriver,
  maxbotix: maxbotixDriver,
  pms5003: pms5003Driver,
} as const satisfies Record<string, DriverDefinition>;
