import { decodePack, type ResolvedRecord } from '../codec/index.js';
import type { Logger } from '../core/logger.js';
import { subscribe, type Subscription } from '../uplink/subscriber.js';
import { allDataTopics, parseDataTopic } from '../uplink/topics.js';

/** One reading as the tail prints it: `12:00:01.500  site/node/board  temperature  21.53 Cel`. */
export function formatTailLine(source: string, record: ResolvedRecord): string {
  const time = new Date(record.time * 1000).toISOString().slice(11, 23);
  const shortName = record.name.split('/').pop() ?? record.name;
  const value = record.value instanceof Uint8Array ? `<${record.value.length} bytes>` : String(record.value ?? record.sum);
  return `${time}  ${source}  ${shortName.padEnd(12)} ${value}${record.unit ? ` ${record.unit}` : ''}`;
}

/**
 * Prints readings as they arrive at the broker, decoded from the wire: proof that what a
 * node publishes is what a consumer receives.
 */
export function tailReadings(url: string, prefix: string, write: (line: string) => void, logger: Logger): Promise<Subscription> {
  return subscribe(
    url,
    allDataTopics(prefix),
    ({ topic, payload }) => {
      const address = parseDataTopic(topic);
      const source = address ? `${address.site}/${address.node}/${address.board}` : topic;
      try {
        for (const record of decodePack(payload)) write(formatTailLine(source, record));
      } catch (error) {
        logger.warn({ topic }, `undecodable pack: ${(error as Error).message}`);
      }
    },
    logger,
  );
}
