/**
 * Home Assistant MQTT discovery, as pure data: the retained config of each entity (topic and
 * payload, in the long, readable key names of Home Assistant's MQTT sensor and binary sensor
 * documentation) and the JSON state a board's entities read their values from.
 *
 * Each board is a Home Assistant device (`<nodeName> <board>`, model = its device type), linked
 * through `via_device` to the node's own device, which has one entity: its broker connection.
 * A sensor is available while both the node and its board say `online` on their status topics.
 */
import type { BoardConfig, SensorConfig } from '../config/board-schema.js';
import { discoveryId, STATE_TIME_KEY, type HomeAssistantConfig } from '../config/homeassistant-schema.js';
import type { Reading } from '../core/reading.js';
import { boardStateTopic, boardStatusTopic, statusTopic, type NodeAddress } from '../uplink/topics.js';
import { deviceClassFor, homeAssistantUnit } from './units.js';
import { namesSent } from '../pipeline/filters/names.js';

/** What the discovery of one node is made from. */
export interface DiscoveryInput {
  readonly address: NodeAddress;
  readonly boards: readonly BoardConfig[];
  readonly settings: HomeAssistantConfig;
  /** fieldnode's version, shown as the devices' software version. */
  readonly version: string;
}

/** One retained discovery config: where it goes and what it says. */
export interface DiscoveryMessage {
  readonly topic: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export type Component = 'sensor' | 'binary_sensor';

/** Drivers whose readings are on/off (`vb`): their sensors are binary sensors. */
const ON_OFF_DRIVERS = new Set(['digital']);

const MANUFACTURER = 'fieldnode';

/** An entity id's object part: lower-case letters, digits and `_`. */
function entitySlug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** `<discoveryPrefix>/<component>/<node_id>/<object_id>/config`. */
export function discoveryTopic(prefix: string, component: Component, nodeId: string, objectId: string): string {
  return `${prefix}/${component}/${discoveryId(nodeId)}/${discoveryId(objectId)}/config`;
}

/** Where Home Assistant announces itself (`online` after it starts): the node then sends its discovery again. */
export function birthTopicOf(settings: HomeAssistantConfig): string {
  return `${settings.discoveryPrefix}/status`;
}

/**
 * The readings a sensor's entities show: its own name, or with an `aggregate` filter the names
 * that filter sends instead (`level_min`, `level_mean`, `level_max`).
 */
export function entityNamesOf(sensor: SensorConfig): string[] {
  return namesSent(sensor);
}

function componentOf(board: BoardConfig): Component {
  return ON_OFF_DRIVERS.has(board.device.type) ? 'binary_sensor' : 'sensor';
}

/** Identifies the node's own device: boards point at it through `via_device`. */
function nodeDeviceId(address: NodeAddress): string {
  return `fieldnode/${address.site}/${address.node}`;
}

function boardDeviceId(address: NodeAddress, board: string): string {
  return `${nodeDeviceId(address)}/${board}`;
}

/** The retained discovery configs of a node: its connection, then every sensor of every board. */
export function discoveryMessages(input: DiscoveryInput): DiscoveryMessage[] {
  return [nodeConnectivity(input), ...input.boards.flatMap((board) => board.sensors.flatMap((sensor) => entityNamesOf(sensor).map((name) => sensorEntity(input, board, sensor, name))))];
}

/** Topics of `previous` that `next` no longer has: an empty retained message there removes the entity. */
export function goneTopics(previous: readonly DiscoveryMessage[], next: readonly DiscoveryMessage[]): string[] {
  const kept = new Set(next.map((message) => message.topic));
  return previous.map((message) => message.topic).filter((topic) => !kept.has(topic));
}

function origin(version: string) {
  return { name: 'fieldnode', sw_version: version };
}

/** The `availability` list a value follows: the node's and the board's status, both JSON with `state`. */
function availability(topics: readonly string[]) {
  return {
    availability: topics.map((topic) => ({ topic, value_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' })),
    availability_mode: 'all',
  };
}

/** The node itself: a connectivity binary sensor on its status topic, so the node is a device that boards route through. */
function nodeConnectivity({ address, settings, version }: DiscoveryInput): DiscoveryMessage {
  const nodeName = settings.nodeName ?? address.node;
  return {
    topic: discoveryTopic(settings.discoveryPrefix, 'binary_sensor', address.node, 'status'),
    payload: {
      name: 'Broker connection',
      unique_id: `${nodeDeviceId(address)}/status`,
      default_entity_id: `binary_sensor.${entitySlug(`${address.node}_status`)}`,
      state_topic: statusTopic(address),
      value_template: '{{ value_json.state }}',
      payload_on: 'online',
      payload_off: 'offline',
      device_class: 'connectivity',
      entity_category: 'diagnostic',
      device: { identifiers: [nodeDeviceId(address)], name: nodeName, manufacturer: MANUFACTURER, model: 'gateway', sw_version: version },
      origin: origin(version),
    },
  };
}

function sensorEntity({ address, settings, version }: DiscoveryInput, board: BoardConfig, sensor: SensorConfig, name: string): DiscoveryMessage {
  const component = componentOf(board);
  const nodeName = settings.nodeName ?? address.node;
  const common = {
    name,
    unique_id: `${boardDeviceId(address, board.id)}/${name}`,
    default_entity_id: `${component}.${entitySlug(`${address.node}_${board.id}_${name}`)}`,
    state_topic: boardStateTopic(address, board.id),
    // Bracketed: sensor names may hold "." or "-", which the dotted form would misread.
    value_template: `{{ value_json['${name}'] }}`,
  };
  const device = {
    identifiers: [boardDeviceId(address, board.id)],
    name: `${nodeName} ${board.id}`,
    manufacturer: MANUFACTURER,
    model: board.device.type,
    sw_version: version,
    via_device: nodeDeviceId(address),
  };
  const tail = { device, ...availability([statusTopic(address), boardStatusTopic(address, board.id)]), origin: origin(version) };
  const topic = discoveryTopic(settings.discoveryPrefix, component, address.node, `${board.id}_${name}`);
  if (component === 'binary_sensor') {
    // The state carries JSON true/false, which the template renders as True/False.
    return { topic, payload: { ...common, payload_on: 'True', payload_off: 'False', ...tail } };
  }
  const unit = homeAssistantUnit(sensor.unit);
  const field = typeof sensor['field'] === 'string' ? sensor['field'] : '';
  const deviceClass = deviceClassFor(sensor.unit, `${name} ${field}`);
  return {
    topic,
    payload: {
      ...common,
      ...(unit !== undefined ? { unit_of_measurement: unit } : {}),
      ...(deviceClass !== undefined ? { device_class: deviceClass } : {}),
      // A sensor without a unit may report text (a GPS fix, a status word), which a state class would refuse.
      ...(sensor.unit !== undefined ? { state_class: deviceClass === 'wind_direction' ? 'measurement_angle' : 'measurement' } : {}),
      ...(settings.expireAfterSeconds !== undefined ? { expire_after: settings.expireAfterSeconds } : {}),
      ...tail,
    },
  };
}

/** A board's latest value of each reading name. */
export type BoardValues = Readonly<Record<string, Reading['value']>>;

/**
 * A board's values after a batch: a batch may hold only some sensors, and each entity's
 * template needs its own key in every state message, so earlier values stay.
 */
export function mergeValues(previous: BoardValues, readings: readonly Reading[]): BoardValues {
  return { ...previous, ...Object.fromEntries(readings.map((reading) => [reading.name, reading.value])) };
}

/** The state message of a board: its values and the time of the batch's newest reading. */
export function statePayload(values: BoardValues, readings: readonly Reading[]): Record<string, unknown> {
  const newest = readings.reduce((latest, reading) => Math.max(latest, reading.time), Number.NEGATIVE_INFINITY);
  return Number.isFinite(newest) ? { ...values, [STATE_TIME_KEY]: new Date(newest).toISOString() } : { ...values };
}
