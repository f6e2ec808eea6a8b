import { z } from 'zod';
import type { DriverDefinition } from '../drivers/driver.js';
import { driverRegistry } from '../drivers/registry.js';
import type { SimulatorDefinition } from '../../simulators/device.js';
import { simulatorRegistry } from '../../simulators/registry.js';
import { identifier, unitName } from './identifiers.js';
import { secretPath, secretSource } from './secret.js';

/** `sensors[].driver`: one variant per registered driver, told apart by `type`. */
function driverOptionsSchema() {
  const variants = Object.values(driverRegistry).map((driver: DriverDefinition) => {
    // `type` picks the driver; an option of that name would be silently overwritten.
    if ('type' in driver.optionsShape) throw new Error(`driver ${driver.type}: an option may not be called "type"`);
    const variant = z.strictObject({ type: z.literal(driver.type), ...driver.optionsShape });
    const refine = driver.refineOptions;
    // `when`: run even if a sibling option failed, so one validation shows every problem.
    return refine ? variant.superRefine((options, ctx) => refine(options, ctx), { when: () => true }) : variant;
  });
  return z.discriminatedUnion('type', variants as unknown as [typeof variants[number], ...typeof variants]);
}

/** `boards[].simulator`: one variant per simulated device, told apart by `device`. */
function simulatorOptionsSchema() {
  const variants = Object.values(simulatorRegistry).map((simulator: SimulatorDefinition) =>
    z.strictObject({ device: z.literal(simulator.device), ...simulator.optionsShape }),
  );
  return z.discriminatedUnion('device', variants as unknown as [typeof variants[number], ...typeof variants]);
}

const tlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional().describe('PEM file of the CA that signed the broker certificate (default: the system CAs)'),
    cert: z.string().min(1).optional().describe('PEM file of this node\'s client certificate'),
    key: secretPath.optional().describe('PEM file of the client key; must not be readable by group or others'),
    verifyServer: z.boolean().default(true).describe('false disables broker certificate checks: for lab use only'),
    serverName: z.string().min(1).optional().describe('name expected in the broker certificate, when it differs from the URL host'),
  })
  .superRefine(
    (tls, ctx) => {
      if ((tls.cert === undefined) !== (tls.key === undefined)) ctx.addIssue({ code: 'custom', path: [tls.cert === undefined ? 'cert' : 'key'], message: 'a client certificate needs both cert and key' });
    },
    { when: () => true },
  );

const brokerSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(mqtts?|wss?|tcp|tls):\/\/[^\s]+$/, 'a broker URL such as mqtt://host:1883 or mqtts://host:8883')
    // Credentials in a URL end up in logs and process lists; they have their own fields.
    .refine((url) => !/^[a-z]+:\/\/[^/]*@/.test(url), 'no user or password in the URL: use broker.username and broker.password')
    .describe('MQTT broker to publish to'),
  clientId: z.string().min(1).max(128).optional().describe('defaults to fieldnode-<node id>'),
  username: z.string().min(1).optional(),
  password: secretSource.optional().describe('{ env: NAME } or { file: PATH }; never inline'),
  topicPrefix: identifier.default('fieldnode').describe('first topic level of everything this node publishes'),
  keepaliveSeconds: z.number().int().min(5).max(3600).default(30),
  protocol: z.enum(['auto', '5', '3.1.1']).default('auto').describe('MQTT version; auto tries 5 and falls back to 3.1.1'),
  tls: tlsSchema.optional().describe('TLS for mqtts:// and wss:// brokers'),
  willDelaySeconds: z.number().int().min(0).max(3600).default(15).describe('MQTT 5: the broker waits this long before announcing the node offline, riding out short blips'),
  statusIntervalSeconds: z.number().int().min(5).max(86_400).default(60).describe('how often the node status (counters) is republished'),
  reconnect: z
    .strictObject({
      initialDelayMs: z.number().int().min(10).max(600_000).default(1000),
      maxDelayMs: z.number().int().min(100).max(3_600_000).default(60_000),
    })
    .default({ initialDelayMs: 1000, maxDelayMs: 60_000 })
    .describe('exponential backoff with jitter between connection attempts'),
});

/** A simulated Raspberry Pi file tree (for `transport: pi` boards without the hardware). */
const piSimulatorSchema = z.strictObject({
  seed: z.number().int().default(1),
  ds18b20: z
    .array(z.strictObject({ id: z.string().regex(/^28-[0-9a-f]{12}$/, 'a 1-Wire id such as 28-0316a2795cff'), site: z.enum(['river', 'enclosure']).default('enclosure') }))
    .default([])
    .describe('DS18B20 probes on the simulated 1-Wire bus'),
  bme280: z
    .array(
      z.strictObject({
        bus: z.number().int().min(0).max(31).default(1),
        address: z.union([z.literal(0x76), z.literal(0x77)]).default(0x76),
        chip: z.enum(['bme280', 'bmp280']).default('bme280').describe('bmp280: the cheaper twin without humidity'),
      }),
    )
    .default([])
    .describe('BME280 chips on the simulated I2C buses, measuring outdoor air'),
  model: z.enum(['pi3', 'pi4', 'pi5', 'zero-2w']).default('pi4').describe("which Pi: its GPIO controller's label and line count"),
  gpio: z
    .array(
      z.strictObject({
        line: z.number().int().min(0).max(27).describe('BCM GPIO number'),
        device: z.enum(['pir', 'door', 'button']).describe('pir: drives high on motion; door: reed contact to ground, open when the door opens; button: to ground, bouncing'),
        meanIntervalMs: z.number().int().min(10).optional().describe('mean time between activations'),
      }),
    )
    .default([])
    .describe('devices on the simulated header pins'),
});

/** The Pi's header GPIO, for pin drivers on a pi board. */
const piGpioSchema = z.strictObject({
  chip: z.string().min(1).default('auto').describe("auto: the header's controller on any Pi 3, 4 or 5; or a path (/dev/gpiochip0) or a chip label"),
  pollIntervalMs: z.number().int().min(1).max(1000).default(2).describe('how often inputs are sampled; keep it well under the debounce time'),
});

const boardSchema = z
  .strictObject({
    id: identifier.describe('names the board in topics and logs'),
    transport: z
      .enum(['serial', 'pi', 'firmata'])
      .default('serial')
      .describe("serial: a port; firmata: an Arduino running StandardFirmata on a port, read pin by pin; pi: the Raspberry Pi's own files (1-Wire, thermal zone, /proc)"),
    port: z.string().min(1).optional().describe('serial: device path; prefer /dev/serial/by-id/... which survives replugs'),
    simulator: simulatorOptionsSchema().optional().describe('serial: run a simulated device instead of opening a port'),
    baud: z.number().int().positive().optional().describe("serial: defaults to the device's own rate (9600 for most sketches)"),
    hupcl: z.boolean().default(true).describe('serial: false keeps DTR up on open, so an Arduino is not reset'),
    root: z.string().min(1).optional().describe('pi: the directory holding sys/ and proc/ (default /)'),
    piSimulator: piSimulatorSchema.optional().describe('pi: a simulated Pi (files, I2C, GPIO) instead of the real one'),
    gpio: piGpioSchema.optional().describe("pi: where the header's GPIO is, for digital inputs (defaults apply when a pin driver reads this board)"),
  })
  .superRefine(
    (board, ctx) => {
      if (board.transport === 'pi') {
        for (const key of ['port', 'simulator', 'baud'] as const) {
          if (board[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'a pi board reads files: no port, simulator or baud' });
        }
        if (board.root !== undefined && board.piSimulator !== undefined) ctx.addIssue({ code: 'custom', path: ['root'], message: 'give root or piSimulator, not both' });
        return;
      }
      for (const key of ['root', 'piSimulator', 'gpio'] as const) {
        if (board[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only pi boards have the Pi\'s files, buses and GPIO' });
      }
      if (board.transport === 'firmata' && board.simulator !== undefined && board.simulator.device !== 'firmata-board') {
        ctx.addIssue({ code: 'custom', path: ['simulator', 'device'], message: 'a firmata board is simulated by firmata-board' });
      }
      if ((board.port === undefined) === (board.simulator === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['port'], message: 'give exactly one of port (real hardware) or simulator' });
      }
    },
    { when: () => true },
  );

const sensorSchema = z.strictObject({
  name: identifier.describe('SenML name of the reading, unique within its board'),
  board: identifier.describe('id of the board the sensor is attached to'),
  unit: unitName.optional(),
  driver: driverOptionsSchema(),
});

const batchingSchema = z.strictObject({
  maxReadings: z.number().int().min(1).max(10_000).default(100).describe('a pack is sent when it holds this many readings'),
  maxDelayMs: z.number().int().min(0).max(3_600_000).default(1000).describe('...or when its oldest reading is this old'),
});

const outboxSchema = z.strictObject({
  maxBytes: z.number().int().min(65_536).default(64 * 1024 * 1024).describe('disk the backlog may use (default 64 MiB)'),
  maxAgeHours: z.number().positive().max(24 * 365).default(168).describe('readings older than this are dropped (default 7 days)'),
  overflow: z.enum(['drop-oldest', 'reject-new']).default('drop-oldest').describe('what gives when the outbox is full'),
  drainReadingsPerSecond: z.number().int().min(1).default(20_000).describe('rate at which a backlog is sent after an outage; fresh readings are not limited'),
  maxInFlight: z.number().int().min(1).max(1000).default(32).describe('packs sent and not yet acknowledged, at most'),
});

const outboxDefaults = { maxBytes: 64 * 1024 * 1024, maxAgeHours: 168, overflow: 'drop-oldest' as const, drainReadingsPerSecond: 20_000, maxInFlight: 32 };

/** The whole `fieldnode.yaml`, assembled from the drivers' and simulators' own schemas. */
export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default('/var/lib/fieldnode').describe('where the outbox database and the boot epoch live'),
  outbox: outboxSchema.default(outboxDefaults).describe('durable store-and-forward of packs through outages and restarts'),
  node: z.strictObject({
    id: identifier.describe('unique node id: topics and SenML names carry it'),
    site: identifier.describe('deployment site, the topic level above the node'),
  }),
  broker: brokerSchema,
  batching: batchingSchema.default({ maxReadings: 100, maxDelayMs: 1000 }),
  boards: z.array(boardSchema).min(1, 'at least one board'),
  sensors: z.array(sensorSchema).min(1, 'at least one sensor'),
});

/** A validated config, with every default filled in. */
export type NodeConfig = z.infer<typeof configSchema>;
export type BoardConfig = NodeConfig['boards'][number];
export type SensorConfig = NodeConfig['sensors'][number];
export type BrokerConfig = NodeConfig['broker'];
