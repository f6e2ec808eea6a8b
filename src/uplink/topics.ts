/**
 * The MQTT topic layout, in one place. Documented in the README under "Topics".
 *
 *   {prefix}/{site}/{node}/birth           retained JSON: the node, its boards and sensors, boot epoch
 *   {prefix}/{site}/{node}/status          retained JSON: online (with counters) / offline (the will)
 *   {prefix}/{site}/{node}/cmd/{verb}      commands to the node (MQTT 5 request/response)
 *   {prefix}/{site}/{node}/{board}/birth   retained JSON: one board (device) and its sensors
 *   {prefix}/{site}/{node}/{board}/status  retained JSON: the board online / offline
 *   {prefix}/{site}/{node}/{board}/data    SenML-CBOR packs, QoS 1
 *   {prefix}/{site}/{node}/{board}/state   retained JSON: the latest value of each sensor (with `homeassistant:`)
 *   {prefix}/time                          to the nodes: JSON { "time": ISO 8601 or epoch ms }, not retained
 */
export interface NodeAddress {
  readonly prefix: string;
  readonly site: string;
  readonly node: string;
}

function nodeBase(address: NodeAddress): string {
  return `${address.prefix}/${address.site}/${address.node}`;
}

export function birthTopic(address: NodeAddress): string {
  return `${nodeBase(address)}/birth`;
}

export function statusTopic(address: NodeAddress): string {
  return `${nodeBase(address)}/status`;
}

/** Filter for every command verb addressed to this node. */
export function commandFilter(address: NodeAddress): string {
  return `${nodeBase(address)}/cmd/+`;
}

/** The verb of a command topic of this node, or undefined for any other topic. */
export function commandVerb(address: NodeAddress, topic: string): string | undefined {
  const prefix = `${nodeBase(address)}/cmd/`;
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : undefined;
}

/** Everything below this node: what its ACL grants it, and what command responses may target. */
export function nodeTree(address: NodeAddress): string {
  return `${nodeBase(address)}/`;
}

export function boardBirthTopic(address: NodeAddress, board: string): string {
  return `${nodeBase(address)}/${board}/birth`;
}

export function boardStatusTopic(address: NodeAddress, board: string): string {
  return `${nodeBase(address)}/${board}/status`;
}

export function dataTopic(address: NodeAddress, board: string): string {
  return `${nodeBase(address)}/${board}/data`;
}

/** Home Assistant reads JSON, not CBOR: the board's latest values, live only (never from the outbox). */
export function boardStateTopic(address: NodeAddress, board: string): string {
  return `${nodeBase(address)}/${board}/state`;
}

/** The time message from the broker side, one topic for every node under the prefix (see src/time/broker-time.ts). */
export function timeTopic(prefix: string): string {
  return `${prefix}/time`;
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
