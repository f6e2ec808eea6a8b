/**
 * What `fieldnode tail` does once its flags are parsed, loaded only when it runs (or by
 * `run --tail`): the MQTT subscriber and the decoders.
 */
import { decodePack, type FloatEncoding } from '../codec/index.js';
import { readBrokerCredentials } from '../config/credentials.js';
import { loadConfigWithPlugins } from '../config/plugins.js';
import type { BrokerConfig } from '../config/schema.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Logger } from '../core/logger.js';
import { hasConnectionFlags, inFlagTerms, optionsFromBroker, optionsFromFlags, subscribeExplained, type ConnectionFlags } from '../tail/connection.js';
import { TailDecoder } from '../tail/events.js';
import { ANY, subscriptionFilters, type TailSelection } from '../tail/filter.js';
import { eventJson, formatEvent, formatTailLine, wantsColour } from '../tail/format.js';
import type { Subscription } from '../uplink/subscriber.js';
import { dataTopic, parseDataTopic, type NodeAddress } from '../uplink/topics.js';
import { EXIT_USAGE } from './exit.js';
import { createLogger } from './logger.js';
import { onShutdown } from './shutdown.js';
import { endQuietlyWhenStdoutCloses } from './stdout.js';

/**
 * Prints the node's readings as they arrive at the broker, decoded from the wire: proof that
 * what a node publishes is what a consumer receives. It connects as the node does (username,
 * password, TLS, protocol), so it works on a broker that refuses anonymous clients, and it
 * subscribes to the node's own tree only, which is all that the usual per-node ACL lets it read.
 */
export async function tailReadings(
  broker: BrokerConfig,
  address: NodeAddress,
  write: (line: string) => void,
  logger: Logger,
  environment: NodeJS.ProcessEnv = process.env,
  floats: FloatEncoding = 'exact',
): Promise<Subscription> {
  const onMessage = ({ topic, payload }: { topic: string; payload: Buffer }) => {
    const parsed = parseDataTopic(topic);
    const source = parsed ? `${parsed.site}/${parsed.node}/${parsed.board}` : topic;
    try {
      for (const record of decodePack(payload, { floats })) write(formatTailLine(source, record));
    } catch (error) {
      logger.warn({ topic }, `undecodable pack: ${(error as Error).message}`);
    }
  };
  return subscribeExplained(broker.url, [dataTopic(address, '+')], onMessage, logger, optionsFromBroker(broker, environment));
}

/** The flags of `fieldnode tail`, as commander parses them. */
export interface TailFlags extends ConnectionFlags {
  broker?: string;
  prefix?: string;
  site?: string;
  node?: string;
  board?: string;
  sensor?: string;
  json?: boolean;
  floats?: FloatEncoding;
}

/** Watches what the selection names until a signal stops it; the catalog is loaded only to read a config. */
export async function tail(configFile: string | undefined, flags: TailFlags, loadCatalog: () => Promise<Catalog>): Promise<void> {
  if (configFile === undefined && flags.broker === undefined) usage('give a config (fieldnode tail fieldnode.yaml) or a broker (--broker mqtt://host:1883)');
  if (flags.cert !== undefined && flags.key === undefined) usage('--cert needs --key');
  if (flags.key !== undefined && flags.cert === undefined) usage('--key needs --cert');
  const config = configFile === undefined ? undefined : (await loadConfigWithPlugins(configFile, await loadCatalog())).config;
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
  // A node's birth says how its floats are written; this is for nodes whose birth has not come.
  const decoder = new TailDecoder(selection, { floats: flags.floats ?? config?.encoding.floats ?? 'exact' });
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

