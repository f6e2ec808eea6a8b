import { decodePack, type ResolvedRecord } from '../codec/index.js';
import type { BrokerConfig } from '../config/schema.js';
import { readSecret } from '../config/secret.js';
import { readTlsMaterial } from '../config/tls-files.js';
import { FieldnodeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { explainBrokerError } from '../uplink/broker-errors.js';
import { offeredCredentials, subscribe, type Subscription } from '../uplink/subscriber.js';
import { dataTopic, parseDataTopic, type NodeAddress } from '../uplink/topics.js';

/** One reading as the tail prints it: `12:00:01.500  site/node/board  temperature  21.53 Cel`. */
export function formatTailLine(source: string, record: ResolvedRecord): string {
  const time = new Date(record.time * 1000).toISOString().slice(11, 23);
  const shortName = record.name.split('/').pop() ?? record.name;
  const value = record.value instanceof Uint8Array ? `<${record.value.length} bytes>` : String(record.value ?? record.sum);
  return `${time}  ${source}  ${shortName.padEnd(12)} ${value}${record.unit ? ` ${record.unit}` : ''}`;
}

/**
 * Prints the node's readings as they arrive at the broker, decoded from the wire: proof that
 * what a node publishes is what a consumer receives. It connects as the node does (username,
 * password, TLS, protocol), so it works on a broker that refuses anonymous clients, and it
 * subscribes to the node's own tree only, which is all that the usual per-node ACL lets it read.
 */
export async function tailReadings(broker: BrokerConfig, address: NodeAddress, write: (line: string) => void, logger: Logger, environment: NodeJS.ProcessEnv = process.env): Promise<Subscription> {
  const options = {
    ...(broker.username !== undefined ? { username: broker.username } : {}),
    ...(broker.password ? { password: readSecret(broker.password, environment) } : {}),
    ...(broker.tls ? { tls: readTlsMaterial(broker.tls) } : {}),
    protocol: broker.protocol,
  };
  try {
    return await subscribe(
      broker.url,
      dataTopic(address, '+'),
      ({ topic, payload }) => {
        const parsed = parseDataTopic(topic);
        const source = parsed ? `${parsed.site}/${parsed.node}/${parsed.board}` : topic;
        try {
          for (const record of decodePack(payload)) write(formatTailLine(source, record));
        } catch (error) {
          logger.warn({ topic }, `undecodable pack: ${(error as Error).message}`);
        }
      },
      logger,
      options,
    );
  } catch (error) {
    if (error instanceof FieldnodeError) throw error;
    throw new FieldnodeError(explainBrokerError(error as Error & { code?: string | number }, broker.url, offeredCredentials(options)), 'TAIL', { cause: error });
  }
}
