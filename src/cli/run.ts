import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { readBrokerCredentials } from '../config/credentials.js';
import { validateConfig } from '../config/load.js';
import { loadConfigWithPlugins } from '../config/plugins.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Composition } from './composition.js';
import type { NodeConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { FieldNode, outboxPath } from '../node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../uplink/embedded-broker.js';
import type { Subscription } from '../uplink/subscriber.js';
import { failWith } from './exit.js';
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';
import { demoConfigPath, packageVersion } from '../package-root.js';
import { parseDuration, runOnce } from './run-once.js';
import { onShutdown } from './shutdown.js';
import { superviseWithSystemd } from '../service/supervise.js';
import { tailReadings } from './tail.js';

interface RunFlags {
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

async function runNode(configFile: string | undefined, flags: RunFlags, logger: Logger, base: Catalog): Promise<void> {
  const loaded = await loadConfigWithPlugins(configFile ?? demoConfigPath(), base);
  const { catalog } = loaded;
  let config = loaded.config;
  // Without a config there is nothing else to talk to: run the demo against a broker of our own.
  const embedded = flags.embeddedBroker ?? (configFile === undefined && flags.broker === undefined);
  if (flags.broker !== undefined) {
    // An override goes through the same checks as the file (no credentials in URLs).
    config = validateConfig({ ...config, broker: { ...config.broker, url: flags.broker } }, '--broker', catalog);
  }
  if (configFile === undefined) {
    // The demo must run anywhere without root: its outbox lives in a temporary directory.
    config = { ...config, dataDir: temporaryDirectory('fieldnode-demo-') };
  } else if (embedded || flags.broker !== undefined) {
    const directory = temporaryDirectory('fieldnode-trial-');
    // First line, before anything else is logged: whoever runs it must know the real outbox is left alone.
    process.stderr.write(`fieldnode: trial run: outbox in a temporary directory (${directory}, removed at exit); the outbox in ${dirname(outboxPath(config))} is not touched\n`);
    config = asTrial(config, directory);
  }
  // Missing or too open credentials are config problems (exit 78, all listed), found before
  // anything starts; the embedded broker needs none (they are dropped below).
  if (!embedded) readBrokerCredentials(config.broker, configFile ?? 'demo config');
  let broker: EmbeddedBroker | undefined;
  if (embedded) {
    broker = await startEmbeddedBroker();
    config = withEmbeddedBroker(config, broker.url);
    logger.info({ broker: broker.url }, 'embedded MQTT broker listening');
  }
  let tail: Promise<Subscription | undefined> | undefined;
  const node = new FieldNode(config, { logger, version: packageVersion(), catalog });
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
    tail = tailReadings(config.broker, address, (line) => process.stdout.write(`${line}\n`), logger).catch((error: unknown) => {
      logger.warn({}, `cannot show the tail: ${(error as Error).message}`);
      return undefined;
    });
    if (embedded) process.stderr.write('fieldnode: readings below are decoded from the broker as they arrive; Ctrl-C stops\n');
  }
}

/** `fieldnode run [config]`: the main job. */
export function registerRun(program: Command, { catalog }: Composition): void {
  program
    .command('run', { isDefault: false })
    .description('run a node; without a config, the bundled simulated weather station on an embedded broker, printing readings')
    .argument('[config]', 'fieldnode.yaml (default: the bundled simulated demo)')
    .option('--broker <url>', "trial run against another broker, with a temporary outbox (to move the node for good, edit the config)")
    .addOption(new Option('--embedded-broker', 'trial run on an in-process MQTT broker on a free port, with a temporary outbox').conflicts('broker'))
    .option('--tail', "print the node's readings as they arrive at the broker (default with the embedded broker)")
    .option('--no-tail', 'do not print readings')
    .addOption(
      new Option('--once', 'read every sensor once, print the readings and exit (0: all answered, 1: not); no outbox, no broker')
        .conflicts(['broker', 'embeddedBroker', 'tail']),
    )
    .addOption(new Option('--duration <time>', 'with --once: read for this long (500ms, 30s, 2m) and print every reading and each sensor\'s count, min, max').argParser(parseDuration).implies({ once: true }).conflicts(['broker', 'embeddedBroker', 'tail']))
    .addOption(
      new Option('--timeout <time>', "with --once: how long each board may take (default: its driver's intervalMs + timeoutMs, or its twin's interval, + 1 s; at least 5 s)")
        .argParser(parseDuration)
        .implies({ once: true })
        .conflicts(['broker', 'embeddedBroker', 'tail', 'duration']),
    )
    .addOption(new Option('--json', 'with --once: print the report as JSON').implies({ once: true }).conflicts(['broker', 'embeddedBroker', 'tail']))
    .addOption(new Option('--log-level <level>', 'how much to log').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'pretty (default at a terminal) or json (JSON lines, for journald)').choices(LOG_FORMATS))
    .action(async (configFile: string | undefined, flags: RunFlags, command: Command) => {
      // A single read speaks through its report: only warnings and worse, unless asked for more.
      const level = flags.once && command.getOptionValueSource('logLevel') === 'default' ? 'warn' : flags.logLevel;
      const logger = createLogger({ level, ...(flags.logFormat ? { format: flags.logFormat } : {}) });
      try {
        if (flags.once) process.exit(await runOnce(configFile, flags, logger, catalog));
        await runNode(configFile, flags, logger, catalog);
      } catch (error) {
        failWith(error);
      }
    });
}
