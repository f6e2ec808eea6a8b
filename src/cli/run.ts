import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfigFile, validateConfig } from '../config/load.js';
import type { NodeConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import { FieldNode } from '../node.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../uplink/embedded-broker.js';
import type { Subscription } from '../uplink/subscriber.js';
import { failWith } from './exit.js';
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';
import { demoConfigPath, packageVersion } from './package-root.js';
import { onShutdown } from './shutdown.js';
import { tailReadings } from './tail.js';

interface RunFlags {
  broker?: string;
  embeddedBroker?: boolean;
  tail?: boolean;
  logLevel: LogLevel;
  logFormat?: LogFormat;
}

/**
 * Points the config at the embedded broker: its credentials and TLS material are meant for
 * another broker, and aedes speaks MQTT 3.1.1 only, so there is no point offering it version 5.
 */
function withEmbeddedBroker(config: NodeConfig, url: string): NodeConfig {
  const { username: _username, password: _password, tls: _tls, ...broker } = config.broker;
  return { ...config, broker: { ...broker, url, protocol: '3.1.1' } };
}

async function runNode(configFile: string | undefined, flags: RunFlags, logger: Logger): Promise<void> {
  let config = loadConfigFile(configFile ?? demoConfigPath());
  let demoDataDir: string | undefined;
  if (configFile === undefined) {
    // The demo must run anywhere without root: its outbox lives in a temporary directory.
    demoDataDir = mkdtempSync(join(tmpdir(), 'fieldnode-demo-'));
    config = { ...config, dataDir: demoDataDir };
  }
  // Without a config there is nothing else to talk to: run the demo against a broker of our own.
  const embedded = flags.embeddedBroker ?? configFile === undefined;
  let broker: EmbeddedBroker | undefined;
  if (embedded) {
    broker = await startEmbeddedBroker();
    config = withEmbeddedBroker(config, broker.url);
    logger.info({ broker: broker.url }, 'embedded MQTT broker listening');
  } else if (flags.broker) {
    // An override goes through the same checks as the file (no credentials in URLs).
    config = validateConfig({ ...config, broker: { ...config.broker, url: flags.broker } }, '--broker');
  }
  let tail: Promise<Subscription | undefined> | undefined;
  const node = new FieldNode(config, { logger, version: packageVersion() });
  onShutdown(async () => {
    logger.info({}, 'stopping');
    await node.stop();
    await (await tail)?.close();
    await broker?.close();
    if (demoDataDir) rmSync(demoDataDir, { recursive: true, force: true });
  });
  await node.start();
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
export function registerRun(program: Command): void {
  program
    .command('run', { isDefault: false })
    .description('run a node; without a config, the bundled simulated weather station on an embedded broker, printing readings')
    .argument('[config]', 'fieldnode.yaml (default: the bundled simulated demo)')
    .option('--broker <url>', "override the config's broker URL")
    .addOption(new Option('--embedded-broker', 'start an in-process MQTT broker on a free port and publish to it').conflicts('broker'))
    .option('--tail', "print the node's readings as they arrive at the broker (default with the embedded broker)")
    .option('--no-tail', 'do not print readings')
    .addOption(new Option('--log-level <level>', 'how much to log').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--log-format <format>', 'pretty (default at a terminal) or json (JSON lines, for journald)').choices(LOG_FORMATS))
    .action(async (configFile: string | undefined, flags: RunFlags) => {
      const logger = createLogger({ level: flags.logLevel, ...(flags.logFormat ? { format: flags.logFormat } : {}) });
      try {
        await runNode(configFile, flags, logger);
      } catch (error) {
        failWith(error);
      }
    });
}
