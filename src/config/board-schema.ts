/**
 * `boards[]`: one device per board, its sensors inside, and where its link is. The device's
 * driver (picked by `device.type`) says which link it needs, so the board's link keys are
 * checked against it: a serial device needs a port or a twin, a pin device a Firmata board or
 * the Pi's header, a host device the Pi's own files.
 */
import { z } from 'zod';
import { driverIn, twinIn, type Catalog } from '../catalog/catalog.js';
import type { TwinDefinition } from '../catalog/twin.js';
import { DEVICE_KEYS, SENSOR_KEYS, type DriverDefinition } from '../drivers/driver.js';
import { filtersSchema } from '../pipeline/filters/schema.js';
import { identifier, unitName } from './identifiers.js';

/** The Pi's header GPIO, for a board of pin devices on the Pi itself. */
const piGpioSchema = z.strictObject({
  chip: z.string().min(1).default('auto').describe("auto: the header's controller on any Pi 3, 4 or 5; or a path (/dev/gpiochip0) or a chip label"),
  pollIntervalMs: z.number().int().min(1).max(1000).default(2).describe('how often inputs are sampled; keep it well under the debounce time'),
});

/** A key the catalog offers nothing for: any value is refused with the reason. */
const unavailable = (message: string) => z.custom<never>(() => false, { message });

function twinOptionsSchema(catalog: Catalog) {
  const variants = Object.values(catalog.twins).map((twin: TwinDefinition) => {
    if (twin.impliedBy === undefined) return z.strictObject({ device: z.literal(twin.device), ...twin.optionsShape });
    // `device` may be left out; the validated board always names its twin.
    return z.strictObject({ device: z.literal(twin.device).optional(), ...twin.optionsShape }).transform((options) => ({ ...options, device: twin.device }));
  });
  if (variants.length === 0) return unavailable(catalog.simulatorsLeftOut ?? 'no simulated devices are registered here: run the fieldnode command, which has them');
  return z.discriminatedUnion('device', variants as unknown as [typeof variants[number], ...typeof variants]);
}

function piSimulatorSchema(catalog: Catalog) {
  return catalog.piSimulatorShape ? z.strictObject(catalog.piSimulatorShape) : unavailable(catalog.simulatorsLeftOut ?? 'no simulated Pi is registered here: run the fieldnode command, which has one');
}

/** Where a board's link is: the keys beside id, device and sensors. */
function linkShape(catalog: Catalog) {
  return {
    port: z.string().min(1).optional().describe('serial and Firmata devices: the port; prefer /dev/serial/by-id/... which survives replugs'),
    simulator: twinOptionsSchema(catalog).optional().describe('serial and Firmata devices: a twin of the device instead of a port'),
    hupcl: z.boolean().default(true).describe('serial: false keeps DTR up on open, so an Arduino is not reset'),
    root: z.string().min(1).optional().describe("host devices: the directory holding the Pi's sys/ and proc/ (default /)"),
    gpio: piGpioSchema.optional().describe("pin devices on the Pi's header: its GPIO controller and sampling"),
    piSimulator: piSimulatorSchema(catalog).optional().describe("host devices and the Pi's header: a simulated Pi (files, I2C, GPIO) instead of the real one"),
  };
}

/** `boards[].device` for one driver: its type, `baud` when it talks over a serial port, and its own options. */
export function deviceSchemaFor(driver: DriverDefinition) {
  for (const key of DEVICE_KEYS) if (key in driver.deviceShape) throw new Error(`driver ${driver.type}: a device option may not be called "${key}"`);
  const serial = driver.link !== 'host' ? { baud: z.number().int().positive().optional().describe("the serial rate; defaults to the device's own") } : {};
  const schema = z.strictObject({ type: z.literal(driver.type), ...serial, ...driver.deviceShape });
  const refine = driver.refineDevice?.bind(driver);
  // `when`: run even if a sibling option failed, so one validation shows every problem.
  return refine ? schema.superRefine((options, ctx) => refine(options as never, ctx), { when: () => true }) : schema;
}

/** One entry of `boards[].sensors` for one driver: name, unit and the driver's sensor options. */
export function sensorSchemaFor(driver: DriverDefinition) {
  for (const key of SENSOR_KEYS) if (key in driver.sensorShape) throw new Error(`driver ${driver.type}: a sensor option may not be called "${key}"`);
  const schema = z.strictObject({
    name: identifier.describe('SenML name of the reading, unique within its board'),
    unit: unitName.optional().describe('SenML unit, from the registry (Cel, %RH, Pa) where it has one'),
    filters: filtersSchema,
    ...driver.sensorShape,
  });
  const refine = driver.refineSensor?.bind(driver);
  return refine ? schema.superRefine((options, ctx) => refine(options as never, ctx), { when: () => true }) : schema;
}

function deviceUnion(catalog: Catalog) {
  const variants = Object.values(catalog.drivers).map(deviceSchemaFor);
  return z.discriminatedUnion('type', variants as unknown as [typeof variants[number], ...typeof variants]);
}

/** A board as it is checked: its sensors are checked afterwards, by the driver its device names. */
export function boardSchemaFor(catalog: Catalog) {
  return z
    .strictObject({
      id: identifier.describe('names the board in topics and logs'),
      ...linkShape(catalog),
      device: deviceUnion(catalog).describe('the device on this board: type picks its driver; the rest are options of the whole device'),
      sensors: z.array(z.unknown()).min(1, 'at least one sensor').describe("the device's readings: name, unit and the driver's sensor options"),
    })
    .superRefine((board, ctx) => checkLink(catalog, board, ctx), { when: () => true });
}

/** A board as documented: one variant per driver, with that driver's sensors. */
export function documentedBoardSchemaFor(catalog: Catalog) {
  // One instance of the link keys for every variant, so the JSON Schema states them once.
  const links = linkShape(catalog);
  const variants = Object.values(catalog.drivers).map((driver) =>
    z.strictObject({
      id: identifier.describe('names the board in topics and logs'),
      ...links,
      device: deviceSchemaFor(driver),
      sensors: z.array(sensorSchemaFor(driver)).min(1, 'at least one sensor'),
    }),
  );
  return z.union(variants as unknown as [typeof variants[number], ...typeof variants]);
}

/** The device of a validated board. */
export interface DeviceConfig {
  readonly type: string;
  readonly baud?: number | undefined;
  readonly [option: string]: unknown;
}

/** A validated sensor entry: name, unit and its driver's options, defaults filled in. */
export interface SensorConfig {
  readonly name: string;
  readonly unit?: string | undefined;
  readonly [option: string]: unknown;
}

/** A validated board. */
export interface BoardConfig {
  readonly id: string;
  readonly port?: string | undefined;
  readonly simulator?: { readonly device: string; readonly [option: string]: unknown } | undefined;
  readonly hupcl: boolean;
  readonly root?: string | undefined;
  readonly gpio?: { readonly chip: string; readonly pollIntervalMs: number } | undefined;
  readonly piSimulator?: Readonly<Record<string, unknown>> | undefined;
  readonly device: DeviceConfig;
  readonly sensors: readonly SensorConfig[];
}

type Board = Partial<Record<string, unknown>> & { device?: { type?: unknown; baud?: unknown } };

/** The link keys a board may have, given the link its device's driver needs. */
function checkLink(catalog: Catalog, board: Board, ctx: z.RefinementCtx): void {
  const driver = driverIn(catalog, board.device?.type);
  if (!driver) return;
  const has = (key: string) => board[key] !== undefined;
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const simulator = board['simulator'] as { device?: unknown } | undefined;
  const twin = twinIn(catalog, simulator?.device);
  if (driver.link === 'bytes') {
    for (const key of ['root', 'gpio', 'piSimulator'].filter(has)) problem([key], `${driver.type} talks over a serial port: ${key} is for the Pi's own files and header`);
    if (has('port') === has('simulator')) problem(['port'], 'give exactly one of port (real hardware) or simulator');
    if (twin && (twin.readBy === 'pins' || !twin.readBy.includes(driver.type))) problem(['simulator', 'device'], `${twin.device} is not read by ${driver.type}; ${describeReaders(twin)}`);
    return;
  }
  if (driver.link === 'host') {
    for (const key of ['port', 'simulator', 'gpio'].filter(has)) problem([key], `${driver.type} reads the gateway's own files and buses: no ${key}`);
    if (board.device?.baud !== undefined) problem(['device', 'baud'], `${driver.type} has no serial port`);
    if (has('root') && has('piSimulator')) problem(['root'], 'give root or piSimulator, not both');
    return;
  }
  const firmata = has('port') || has('simulator');
  const header = has('gpio') || has('piSimulator');
  if (has('root')) problem(['root'], `${driver.type} reads pins: root is for devices that read the Pi's files`);
  if (firmata && header) problem([has('gpio') ? 'gpio' : 'piSimulator'], 'pins are on a Firmata board (port or simulator) or on the Pi header (gpio or piSimulator), not both');
  else if (!firmata && !header) problem(['port'], 'give port (an Arduino running StandardFirmata), simulator, or gpio (the Pi header)');
  if (has('port') && has('simulator')) problem(['port'], 'give port (real hardware) or simulator, not both');
  if (header && !firmata && board.device?.baud !== undefined) problem(['device', 'baud'], "the Pi's header has no serial port");
  if (twin && twin.readBy !== 'pins') problem(['simulator', 'device'], `${twin.device} is not a Firmata board; ${describeReaders(twin)}`);
}

function describeReaders(twin: TwinDefinition): string {
  return twin.readBy === 'pins' ? 'it is read by pin drivers (analog, digital...)' : `it is read by ${twin.readBy.join(' or ')}`;
}
