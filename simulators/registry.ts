import { FieldnodeError, type TwinDefinition } from '../src/index.js';
import { sds011Simulator } from './devices/sds011.js';
import { firmataBoardSimulator } from './devices/firmata-board.js';
import { mhz19Simulator } from './devices/mhz19.js';
import { modbusRtuSimulator } from './devices/modbus-rtu.js';
import { nmeaGpsSimulator } from './devices/nmea-gps.js';
import { maxbotixSimulator } from './devices/maxbotix.js';
import { pms5003Simulator } from './devices/pms5003.js';
import { weatherStationSimulator } from './devices/weather-station.js';
import { firmwareSimulator } from './firmware/twin.js';

/** Every simulated device, keyed by the name used in `boards[].simulator.device` and `fieldnode simulate`. */
export const simulatorRegistry = {
  'weather-station': weatherStationSimulator,
  sds011: sds011Simulator,
  'firmata-board': firmataBoardSimulator,
  mhz19: mhz19Simulator,
  'modbus-rtu': modbusRtuSimulator,
  'nmea-gps': nmeaGpsSimulator,
  maxbotix: maxbotixSimulator,
  pms5003: pms5003Simulator,
  firmware: firmwareSimulator,
} as const satisfies Record<string, TwinDefinition>;

export type SimulatedDeviceName = keyof typeof simulatorRegistry;

/** Looks a simulator up by the name a validated config or the command line gave. */
export function simulatorFor(device: string): TwinDefinition {
  const simulator = (simulatorRegistry as Record<string, TwinDefinition>)[device];
  if (!simulator) throw new FieldnodeError(`no simulated device "${device}"; known: ${Object.keys(simulatorRegistry).join(', ')}`, 'USAGE');
  return simulator;
}
