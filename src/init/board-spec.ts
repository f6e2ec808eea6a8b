/**
 * `--board id=air,port=/dev/ttyUSB0,device=sds011[,baud=9600][,sensors=pm2_5+pm10][,option=value]`:
 * one board for scripted provisioning. `sensors` items are `value[:name[:unit]]`, where value
 * is the field, key or pin the driver reads; without it a device with fields gets them all and
 * a device of one reading gets that one. Other keys are options of the device.
 */
import { driverIn, type Catalog } from '../catalog/catalog.js';
import type { LoadedBoardProfile } from '../boards/load.js';
import type { DriverDefinition } from '../drivers/driver.js';
import type { BoardAnswer, SensorAnswer } from './answers.js';
import { checkIdentifier } from './checks.js';
import type { DiscoveredPort } from '../ports/discover.js';
import { readmeSampleSensors } from './driver-samples.js';
import { defaultBaud, driversForPort, preferredPath, recognisedAs } from './port-offers.js';
import { keyedDefaults, parseOptionValue, sensorName, sensorPlanFor } from './sensor-choices.js';

/** A `--board` value that cannot be used, with the reason. */
export class BoardSpecError extends Error {}

/** The discovered port a path names, by its device node or one of its stable links. */
export function portNamed(path: string, ports: readonly DiscoveredPort[]): DiscoveredPort | undefined {
  return ports.find((port) => [port.path, port.byId, port.byPath].includes(path));
}

/** A board from one `--board` value; a discovered port's by-id name replaces its /dev/ttyX name. */
export function boardFromSpec(spec: string, catalog: Catalog, ports: readonly DiscoveredPort[], profiles: readonly LoadedBoardProfile[]): BoardAnswer {
  const fields = new Map<string, string>();
  for (const part of spec.split(',')) {
    const equals = part.indexOf('=');
    if (equals <= 0) throw new BoardSpecError(`--board ${spec}: "${part}" is not key=value`);
    fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const take = (key: string) => {
    const value = fields.get(key);
    fields.delete(key);
    return value;
  };
  const id = take('id');
  const portPath = take('port');
  const type = take('device');
  const missing = [id === undefined && 'id', portPath === undefined && 'port', type === undefined && 'device'].filter(Boolean);
  if (missing.length > 0) throw new BoardSpecError(`--board ${spec}: give ${missing.join(', ')} (id=NAME,port=/dev/...,device=TYPE)`);
  const idProblem = checkIdentifier(id!);
  if (idProblem) throw new BoardSpecError(`--board ${spec}: id ${id}: ${idProblem}`);
  const port = portNamed(portPath!, ports);
  const driver = driverIn(catalog, type);
  if (!driver || driver.link === 'host') {
    const offered = driversForPort(port, catalog, profiles).map((candidate) => candidate.type);
    throw new BoardSpecError(`--board ${spec}: device ${type} is not a serial or Firmata device; one of ${offered.join(', ')}`);
  }
  const baudText = take('baud');
  const baud = baudText === undefined ? defaultBaud(driver, port, profiles) : Number(baudText);
  if (baud !== undefined && !(Number.isInteger(baud) && baud > 0)) throw new BoardSpecError(`--board ${spec}: baud ${baudText} is not a whole number of bits per second`);
  const sensorsText = take('sensors');
  const sensors = sensorsFromSpec(driver, sensorsText, spec);
  const options = Object.fromEntries([...fields].map(([key, value]) => [key, /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value]));
  return {
    id: id!,
    port: port ? preferredPath(port) : portPath!,
    recognisedAs: port && recognisedAs(port),
    device: { type: driver.type, ...(baud === undefined ? {} : { baud }), ...options },
    sensors,
  };
}

function sensorsFromSpec(driver: DriverDefinition, text: string | undefined, spec: string): SensorAnswer[] {
  const samples = readmeSampleSensors(driver.type);
  const plan = sensorPlanFor(driver, samples);
  if (text === undefined) {
    if (plan.kind === 'fields') return [...plan.choices];
    if (plan.kind === 'single') return [plan.sensor];
    throw new BoardSpecError(`--board ${spec}: say which ${plan.option}s to read: sensors=${plan.option === 'key' ? 't:temperature:Cel+h:humidity:%RH' : 'VALUE[:name[:unit]]+...'}`);
  }
  return text.split('+').map((item) => {
    const [value = '', name, unit] = item.split(':');
    if (plan.kind === 'single') return { ...plan.sensor, name: name || value || plan.sensor.name, unit: unit ?? plan.sensor.unit };
    if (plan.kind === 'fields') {
      const choice = plan.choices.find((candidate) => candidate.options[plan.option] === value);
      if (!choice) throw new BoardSpecError(`--board ${spec}: ${driver.type} has no ${plan.option} ${value}; one of ${plan.choices.map((candidate) => candidate.options[plan.option]).join(', ')}`);
      return { ...choice, name: name || choice.name, unit: unit ?? choice.unit };
    }
    const parsed = parseOptionValue(driver, plan.option, value);
    if (!parsed.ok) throw new BoardSpecError(`--board ${spec}: ${plan.option} ${value}: ${parsed.reason}`);
    const defaults = keyedDefaults(plan.option, parsed.value, samples);
    return { name: name || defaults.name || sensorName(value), unit: unit ?? defaults.unit, options: { [plan.option]: parsed.value } };
  });
}
