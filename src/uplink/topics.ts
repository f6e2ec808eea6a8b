/**
 * The MQTT topic layout, in one place. Documented in the README under "Topics".
 *
 *   {prefix}/{site}/{node}/status          retained JSON, online/offline (offline is the will)
 *   {prefix}/{site}/{node}/{board}/data    SenML-CBOR packs, QoS 1
 */
export interface NodeAddress {
  readonly prefix: string;
  readonly site: string;
  readonly node: string;
}

export function statusTopic(address: NodeAddress): string {
  return `${address.prefix}/${address.site}/${address.node}/status`;
}

export function dataTopic(address: NodeAddress, board: string): string {
  return `${address.prefix}/${address.site}/${address.node}/${board}/data`;
}

/** Subscription for every node's data under a prefix (`fieldnode/+/+/+/data`). */
export function allDataTopics(prefix: string): string {
  return `${prefix}/+/+/+/data`;
}

/** Subscription for every node's status under a prefix. */
export function allStatusTopics(prefix: string): string {
  return `${prefix}/+/+/status`;
}

/** Reads site, node and board back out of a data topic; undefined for anything else. */
export function parseDataTopic(topic: string): (NodeAddress & { board: string }) | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[4] !== 'data') return undefined;
  const [prefix, site, node, board] = parts as [string, string, string, string];
  return { prefix, site, node, board };
}

/** The SenML base name of a board's packs: records resolve to `{node}/{board}/{sensor}`. */
export function baseName(node: string, board: string): string {
  return `${node}/${board}/`;
}
