import { z } from 'zod';
import type { Catalog } from '../catalog/catalog.js';
import { commandsDefaults, commandsSchema } from './commands-schema.js';
import { boardSchemaFor, documentedBoardSchemaFor, type BoardConfig } from './board-schema.js';
import { homeassistantSchema } from './homeassistant-schema.js';
import { clockDefaults, clockSchema } from './clock-schema.js';
import { encodingDefaults, encodingSchema } from './encoding-schema.js';
import { httpSchema } from './http-schema.js';
import { identifier } from './identifiers.js';
import { secretPath, secretSource } from './secret.js';

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
  syncDelayMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(250)
    .describe("how long a stored pack may wait for the broker's acknowledgement before it is synced to disk (fsync) to survive a power cut; 0 syncs every write"),
});

const outboxDefaults = { maxBytes: 64 * 1024 * 1024, maxAgeHours: 168, overflow: 'drop-oldest' as const, drainReadingsPerSecond: 20_000, maxInFlight: 32, syncDelayMs: 250 };

/** The parts of `fieldnode.yaml` that are the same whatever drivers and twins are registered. */
function rootShape() {
  return {
    plugins: z.array(z.string().min(1)).default([]).describe('driver packages to load (npm names or paths), each exporting drivers and twins as the built-in ones do'),
    dataDir: z.string().min(1).default('/var/lib/fieldnode').describe('where the outbox database and the boot epoch live'),
    outbox: outboxSchema.default(outboxDefaults).describe('durable store-and-forward of packs through outages and restarts'),
    node: z.strictObject({
      id: identifier.describe('unique node id: topics and SenML names carry it'),
      site: identifier.describe('deployment site, the topic level above the node'),
    }),
    broker: brokerSchema,
    batching: batchingSchema.default({ maxReadings: 100, maxDelayMs: 1000 }),
    http: httpSchema.optional().describe('the local page, /metrics and health checks; no server unless present'),
    homeassistant: homeassistantSchema.optional().describe('Home Assistant MQTT discovery of every sensor, with a JSON state topic per board; off unless present'),
    clock: clockSchema.default(clockDefaults).describe('trusted time on a gateway without a real-time clock: sources, and what to do until the time is trusted'),
    commands: commandsSchema.default(commandsDefaults).describe('MQTT commands this node answers (see the README, "Commands")'),
    encoding: encodingSchema.default(encodingDefaults),
  };
}

/**
 * The whole `fieldnode.yaml` as it is checked, assembled from the catalog's drivers and twins.
 * Each board's sensors are checked against its device's driver afterwards (see load.ts): a
 * sensor's options depend on a value beside it, which no zod union can follow.
 */
export function configSchemaFor(catalog: Catalog) {
  return cached(checked, catalog, () => z.strictObject({ ...rootShape(), boards: z.array(boardSchemaFor(catalog)).min(1, 'at least one board') }));
}

/** The same file as one schema, with a board variant per driver: for JSON Schema and key suggestions. */
export function documentedConfigSchemaFor(catalog: Catalog) {
  return cached(documented, catalog, () => z.strictObject({ ...rootShape(), boards: z.array(documentedBoardSchemaFor(catalog)).min(1, 'at least one board') }));
}

// Built once per catalog: a catalog does not change, and building the schemas is not free.
const checked = new WeakMap<Catalog, unknown>();
const documented = new WeakMap<Catalog, unknown>();
function cached<T>(cache: WeakMap<Catalog, unknown>, catalog: Catalog, build: () => T): T {
  if (!cache.has(catalog)) cache.set(catalog, build());
  return cache.get(catalog) as T;
}

/** A validated config, with every default filled in. */
export type NodeConfig = Omit<z.infer<ReturnType<typeof configSchemaFor>>, 'boards'> & { readonly boards: readonly BoardConfig[] };
export type BrokerConfig = NodeConfig['broker'];
export type { BoardConfig, DeviceConfig, SensorConfig } from './board-schema.js';
