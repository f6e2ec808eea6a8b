/**
 * What `fieldnode run` does once its flags are parsed, loaded only when it runs: the node,
 * the embedded broker when asked for, and the tail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readBrokerCredentials } from '../config/credentials.js';
import { validateConfig } from '../config/load.js';
import { loadConfigWithPlugins } from '../config/plugins.js';
import type { Catalog } from '../catalog/catalog.js';
import type { NodeConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { configSource as reloadSource } from '../commands/config-source.js';
import { FieldNode, outboxPath } from '../node.js';
import type { EmbeddedBroker } from '../uplink/embedded-broker.js';
import type { Subscription } from '../uplink/subscriber.js';
import type { LogFormat, LogLevel } from './log-options.js';
import { demoConfigPath, packageVersion } from '../package-root.js';
import { onShutdown } from './shutdown.js';
import { superviseWithSystemd } from '../service/supervise.js';
import { tailReadings } from './tail-run.js';

/** The flags of `fieldnode run`, as commander parses them. */
export interface RunFlags {
  broker?: string;
  embeddedBroker?: boolean;
  tail?: boolean;
  logLevel: LogLevel;
  logFormat?: LogFormat;
  once?: boolean;
  duration?: number;
  timeout?: number;
  json?: boolean;
}

/** MQTT client ids the config schema accepts; a trial's suffix must fit in them. */
const MAX_CLIENT_ID = 128;

/**
 * Points the config at the embedded broker: its credentials and TLS material are meant for
 * another broker, and aedes speaks MQTT 3.1.1 only, so there is no point offering it version 5.
 */
function withEmbeddedBroker(config: NodeConfig, url: string): NodeConfig {
  const { username: _username, password: _password, tls: _tls, ...broker } = config.broker;
  return { ...config, broker: { ...broker, url, protocol: '3.1.1' } };
}

/**
 * A trial run (the broker replaced on the command line) keeps its outbox in `directory`, so
 * the real backlog is neither sent to a throwaway broker nor mixed with test packs, and the
 * real boot epoch does not move. Its own client id keeps it from taking over the real node's
 * session on a broker both reach: brokers disconnect the older of two clients with one id.
 */
function asTrial(config: NodeConfig, directory: string): NodeConfig {
  const suffix = `-trial-${process.pid}`;
  const clientId = (config.broker.clientId ?? `fieldnode-${config.node.id}`).slice(0, MAX_CLIENT_ID - suffix.length) + suffix;
  return { ...config, dataDir: directory, broker: { ...config.broker, clientId } };
}

/** A directory of our own, removed however the process ends (a clean stop, a failure, a usage error). */
function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => {
    try {
      rmSync(directory, { recursive: true, force: true });
    } catch (error) {
      // Leaving a temporary directory behind must not turn an exit into a crash.
      process.stderr.write(`fieldnode: could not remove ${directory}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    }
  });
  return directory;
}

/** Runs a node until a signal stops it: the config's, the demo, or a trial run. */
export async function runNode(configFile: string | undefined, flags: RunFlags, logger: Logger, base: Catalog): Promise<void> {
  const loaded = await loadConfigWithPlugins(configFile ?? demoConfigPath(), base);
  const { catalog } = loaded;
  // Without a config there is nothing else to talk to: run the demo against a broker of our own.
  const embedded = flags.embeddedBroker ?? (configFile === undefined && flags.broker === undefined);
  // The demo must run anywhere without root: its outbox lives in a temporary directory; so does a trial run's.
  const directory = configFile === undefined ? temporaryDirectory('fieldnode-demo-') : embedded || flags.broker !== undefined ? temporaryDirectory('fieldnode-trial-') : undefined;
  let embeddedUrl: string | undefined;
  // What the command line changes in the file's config; a reloaded config gets the same.
  const adjust = (fromFile: NodeConfig): NodeConfig => {
    let config = fromFile;
    // An override goes through the same checks as the file (no credentials in URLs).
    if (flags.broker !== undefined) config = validateConfig({ ...config, broker: { ...config.broker, url: flags.broker } }, '--broker', catalog);
    if (configFile === undefined) config = { ...config, dataDir: directory! };
    else if (directory !== undefined) config = asTrial(config, directory);
    return embeddedUrl === undefined ? config : withEmbeddedBroker(config, embeddedUrl);
  };
  let config = adjust(loaded.config);
  if (configFile !== undefined && directory !== undefined) {
    // First line, before anything else is logged: whoever runs it must know the real outbox is left alone.
    process.stderr.write(`fieldnode: trial run: outbox in a temporary directory (${directory}, removed at exit); the outbox in ${dirname(outboxPath(loaded.config))} is not touched\n`);
  }
  // Missing or too open credentials are config problems (exit 78, all listed), found before
  // anything starts; the embedded broker needs none (they are dropped below).
  if (!embedded) readBrokerCredentials(config.broker, configFile ?? 'demo config');
  let broker: EmbeddedBroker | undefined;
  if (embedded) {
    // aedes is loaded only for an embedded broker.
    const { startEmbeddedBroker } = await import('../uplink/embedded-broker.js');
    broker = await startEmbeddedBroker();
    embeddedUrl = broker.url;
    config = withEmbeddedBroker(config, broker.url);
    logger.info({ broker: broker.url }, 'embedded MQTT broker listening');
  }
  let tail: Promise<Subscription | undefined> | undefined;
  const configSource = reloadSource({ path: configFile, base, catalog, adjust });
  const node = new FieldNode(config, { logger, version: packageVersion(), catalog, configSource });
  onShutdown(async () => {
    logger.info({}, 'stopping');
    await node.stop();
    await (await tail)?.close();
    await broker?.close();
  });
  await node.start();
  // On stderr whatever the log format: the technician starting the node needs the address.
  if (node.httpAddress) process.stderr.write(`fieldnode: http: page at ${node.httpAddress}\n`);
  superviseWithSystemd(node, logger);
  if (flags.tail ?? embedded) {
    const address = { prefix: config.broker.topicPrefix, site: config.node.site, node: config.node.id };
    // The tail is a convenience: a broker that is down must not keep the node from running.
    tail = tailReadings(config.broker, address, (line) => process.stdout.write(`${line}\n`), logger, process.env, config.encoding.floats).catch((error: unknown) => {
      logger.warn({}, `cannot show the tail: ${(error as Error).message}`);
      return undefined;
    });
    if (embedded) process.stderr.write('fieldnode: readings below are decoded from the broker as they arrive; Ctrl-C stops\n');
  }
}
