/**
 * `fieldnode tail`: watch any site, node, board or sensor live, decoded from the broker, with
 * births, status changes and gaps inline. Also the readings-only tail of `run --tail`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { decodePack } from '../codec/index.js';
import { readBrokerCredentials } from '../config/credentials.js';
import { loadConfigWithPlugins } from '../config/plugins.js';
import type { BrokerConfig } from '../config/schema.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Logger } from '../core/logger.js';
import { hasConnectionFlags, inFlagTerms, optionsFromBroker, optionsFromFlags, subscribeExplained, type ConnectionFlags } from '../tail/connection.js';
import { TailDecoder } from '../tail/events.js';
import { ANY, nameProblem, subscriptionFilters, type TailSelection } from '../tail/filter.js';
import { eventJson, formatEvent, formatTailLine, wantsColour } from '../tail/format.js';
import type { Subscription } from '../uplink/subscriber.js';
import { dataTopic, parseDataTopic, type NodeAddress } from '../uplink/topics.js';
import type { Composition } from './composition.js';
import { EXIT_USAGE, failWith } from './exit.js';
import { createLogger } from './logger.js';
import { onShutdown } from './shutdown.js';
import { endQuietlyWhenStdoutCloses } from './stdout.js';

export { formatTailLine };

/**
 * Prints the node's readings as they arrive at the broker, decoded from the wire: proof that
 * what a node publishes is what a consumer receives. It connects as the node does (username,
 * password, TLS, protocol), so it works on a broker that refuses anonymous clients, and it
 * subscribes to the node's own tree only, which is all that the usual per-node ACL lets it read.
 */
export async function tailReadings(broker: BrokerConfig, address: NodeAddress, write: (line: string) => void, logger: Logger, environment: NodeJS.ProcessEnv = process.env): Promise<Subscription> {
  const onMessage = ({ topic, payload }: { topic: string; payload: Buffer }) => {
    const parsed = parseDataTopic(topic);
    const source = parsed ? `${parsed.site}/${parsed.node}/${parsed.board}` : topic;
    try {
      for (const record of decodePack(payload)) write(formatTailLine(source, record));
    } catch (error) {
      logger.warn({ topic }, `undecodable pack: ${(error as Error).message}`);
    }
  };
  return subscribeExplained(broker.url, [dataTopic(address, '+')], onMessage, logger, optionsFromBroker(broker, environment));
}

interface TailFlags extends ConnectionFlags {
  broker?: string;
  prefix?: string;
  site?: string;
  node?: string;
  board?: string;
  sensor?: string;
  json?: boolean;
}

/** A topic level given by name: a usage error (exit 64) when it cannot be one. */
const levelName = (allowAny: boolean) => (value: string) => {
  const problem = nameProblem(value, allowAny);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
};

/** A broker URL as the config accepts one: credentials never in it (they would show in process lists). */
function brokerUrl(value: string): string {
  if (!/^(mqtts?|wss?|tcp|tls):\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError('a broker URL such as mqtt://host:1883 or mqtts://host:8883');
  if (/^[a-z]+:\/\/[^/]*@/.test(value)) throw new InvalidArgumentError('no user or password in the URL: use --username and --password-file or --password-env');
  return value;
}

async function tail(configFile: string | undefined, flags: TailFlags, catalog: Catalog): Promise<void> {
  if (configFile === undefined && flags.broker === undefined) usage('give a config (fieldnode tail fieldnode.yaml) or a broker (--broker mqtt://host:1883)');
  if (flags.cert !== undefined && flags.key === undefined) usage('--cert needs --key');
  if (flags.key !== undefined && flags.cert === undefined) usage('--key needs --cert');
  const config = configFile === undefined ? undefined : (await loadConfigWithPlugins(configFile, catalog)).config;
  // Every credential problem of the config at once (exit 78), before anything connects.
  if (config) readBrokerCredentials(config.broker, configFile);
  const selection: TailSelection = {
    prefix: flags.prefix ?? config?.broker.topicPrefix ?? 'fieldnode',
    site: flags.site ?? config?.node.site ?? ANY,
    // The config's node belongs to the config's site: naming another site means all its nodes.
    node: flags.node ?? (config && (flags.site === undefined || flags.site === config.node.site) ? config.node.id : ANY),
    board: flags.board,
    sensor: flags.sensor,
  };
  const base = config ? optionsFromBroker(config.broker) : {};
  const options = hasConnectionFlags(flags) ? optionsFromFlags(flags, base) : base;
  const url = flags.broker ?? config!.broker.url;
  // Advice names the settings where they were given: the config's keys, or the flags.
  const terms = config && !hasConnectionFlags(flags) ? undefined : inFlagTerms;

  const logger = createLogger({ level: 'warn' });
  const decoder = new TailDecoder(selection);
  const colour = !flags.json && wantsColour(process.stdout);
  const onMessage = (message: Parameters<TailDecoder['receive']>[0]) => {
    for (const event of decoder.receive(message)) {
      const line = flags.json ? JSON.stringify(eventJson(event)) : formatEvent(event, { colour, now: Date.now() });
      process.stdout.write(`${line}\n`);
    }
  };
  const subscription = await subscribeExplained(url, subscriptionFilters(selection), onMessage, logger, options, terms);
  endQuietlyWhenStdoutCloses(() => subscription.close());
  onShutdown(() => subscription.close());
  const what = [selection.site, selection.node].map((level) => (level === ANY ? 'any' : level));
  process.stderr.write(
    `fieldnode: watching ${selection.prefix}/${what.join('/')}${selection.board ? `, board ${selection.board}` : ''}${selection.sensor ? `, sensor ${selection.sensor}` : ''} on ${url}; Ctrl-C stops\n`,
  );
}

function usage(message: string): never {
  process.stderr.write(`fieldnode tail: ${message}\n`);
  process.exit(EXIT_USAGE);
}

/** `fieldnode tail [config]`: what any node publishes, decoded live. */
export function registerTail(program: Command, { catalog }: Composition): void {
  program
    .command('tail')
    .description('watch nodes live: readings, births, status changes and gaps, decoded from the broker')
    .argument('[config]', "fieldnode.yaml: its broker and credentials, and by default its own node")
    .addOption(new Option('--broker <url>', 'the broker to watch (instead of, or replacing, the config\'s)').argParser(brokerUrl))
    .option('--username <name>', 'MQTT username')
    .addOption(new Option('--password-file <file>', 'file holding the password (mode 600)').conflicts('passwordEnv'))
    .option('--password-env <name>', 'environment variable holding the password')
    .option('--ca <file>', 'PEM file of the CA that signed the broker certificate')
    .option('--cert <file>', 'PEM client certificate (with --key)')
    .option('--key <file>', 'PEM client key, mode 600 (with --cert)')
    .option('--insecure', 'do not check the broker certificate (lab use only)')
    .addOption(new Option('--prefix <prefix>', "first topic level (default: the config's, else fieldnode)").argParser(levelName(false)))
    .addOption(new Option('--site <site>', "site to watch (default: the config's; + for any)").argParser(levelName(true)))
    .addOption(new Option('--node <node>', "node to watch (default: the config's; + for any)").argParser(levelName(true)))
    .addOption(new Option('--board <board>', 'only this board').argParser(levelName(false)))
    .addOption(new Option('--sensor <name>', 'only readings of this sensor').argParser(levelName(false)))
    .option('--json', 'one JSON object per line, each with its kind: reading, birth, status, gap, duplicate, undecodable')
    .action(async (configFile: string | undefined, flags: TailFlags) => {
      try {
        await tail(configFile, flags, catalog);
      } catch (error) {
        failWith(error);
      }
    });
}
