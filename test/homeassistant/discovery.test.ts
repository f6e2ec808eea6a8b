/**
 * Discovery payloads against Home Assistant's documentation: only documented keys, the required
 * ones present, and device classes only with units that Home Assistant lists for them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BoardConfig, NodeConfig } from '../../src/config/schema.js';
import { discoveryMessages, entityNamesOf, goneTopics, mergeValues, statePayload, type DiscoveryMessage } from '../../src/homeassistant/discovery.js';
import { deviceClassFor, homeAssistantUnit } from '../../src/homeassistant/units.js';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT_MS } from '../drivers/frame-properties.js';
import { validateSimulated } from '../support/simulated-node.js';

// Configuration variables of the MQTT sensor and MQTT binary sensor integrations
// (home-assistant.io/integrations/sensor.mqtt, .../binary_sensor.mqtt), plus `origin`, which
// the MQTT discovery documentation adds to every discovery payload.
const COMMON_KEYS = [
  'availability', 'availability_mode', 'availability_template', 'availability_topic', 'default_entity_id', 'device', 'device_class',
  'enabled_by_default', 'encoding', 'entity_category', 'entity_picture', 'expire_after', 'force_update', 'icon',
  'json_attributes_template', 'json_attributes_topic', 'name', 'object_id', 'payload_available', 'payload_not_available',
  'qos', 'state_topic', 'unique_id', 'value_template', 'origin',
];
const DOCUMENTED_KEYS: Record<string, Set<string>> = {
  sensor: new Set([...COMMON_KEYS, 'last_reset_value_template', 'options', 'suggested_display_precision', 'state_class', 'unit_of_measurement']),
  binary_sensor: new Set([...COMMON_KEYS, 'off_delay', 'payload_off', 'payload_on']),
};
const REQUIRED_KEYS = ['state_topic'];
const DEVICE_KEYS = new Set(['configuration_url', 'connections', 'hw_version', 'identifiers', 'manufacturer', 'model', 'model_id', 'name', 'serial_number', 'suggested_area', 'sw_version', 'via_device']);
const AVAILABILITY_KEYS = new Set(['payload_available', 'payload_not_available', 'topic', 'value_template']);
const ORIGIN_KEYS = new Set(['name', 'sw_version', 'support_url']);
const ENTITY_CATEGORIES = new Set(['config', 'diagnostic']);
const STATE_CLASSES = new Set(['measurement', 'measurement_angle', 'total', 'total_increasing']);

// Units per device class, as the sensor documentation's "Device class" table lists them.
const DOCUMENTED_SENSOR_UNITS: Record<string, string[]> = {
  atmospheric_pressure: ['cbar', 'bar', 'hPa', 'mmHg', 'inHg', 'kPa', 'mbar', 'Pa', 'psi'],
  battery: ['%'],
  carbon_dioxide: ['ppm'],
  carbon_monoxide: ['ppm'],
  current: ['A', 'mA'],
  distance: ['km', 'm', 'cm', 'mm', 'mi', 'yd', 'in', 'ft'],
  duration: ['d', 'h', 'min', 's', 'ms'],
  frequency: ['Hz', 'kHz', 'MHz', 'GHz'],
  humidity: ['%'],
  illuminance: ['lx'],
  irradiance: ['W/m²', 'BTU/(h⋅ft²)'],
  moisture: ['%'],
  pm1: ['µg/m³'],
  pm10: ['µg/m³'],
  pm25: ['µg/m³'],
  power: ['mW', 'W', 'kW', 'MW', 'GW', 'TW'],
  precipitation: ['cm', 'in', 'mm'],
  precipitation_intensity: ['in/d', 'in/h', 'mm/d', 'mm/h'],
  pressure: ['cbar', 'bar', 'hPa', 'mmHg', 'inHg', 'kPa', 'mbar', 'Pa', 'psi'],
  signal_strength: ['dB', 'dBm'],
  sound_pressure: ['dB', 'dBA'],
  speed: ['ft/s', 'in/d', 'in/h', 'in/s', 'km/h', 'kn', 'm/s', 'mph', 'mm/d', 'mm/s', 'mm/h', 'Beaufort'],
  temperature: ['°C', '°F', 'K'],
  voltage: ['V', 'mV', 'µV', 'kV', 'MV'],
  wind_direction: ['°'],
  wind_speed: ['Beaufort', 'ft/s', 'km/h', 'kn', 'm/s', 'mph'],
};
const BINARY_DEVICE_CLASSES = new Set(['connectivity', 'door', 'motion', 'moisture', 'opening', 'problem', 'window']);

/** Every way a payload can break Home Assistant's documented schema, as readable strings. */
function schemaProblems(message: DiscoveryMessage): string[] {
  const component = message.topic.split('/')[1]!;
  const payload = message.payload as Record<string, unknown>;
  const problems: string[] = [];
  const allowed = DOCUMENTED_KEYS[component];
  if (!allowed) return [`${message.topic}: component ${component} is not sensor or binary_sensor`];
  for (const key of Object.keys(payload)) if (!allowed.has(key)) problems.push(`${key} is not documented for ${component}`);
  for (const key of REQUIRED_KEYS) if (payload[key] === undefined) problems.push(`${key} is required`);
  const device = payload['device'] as Record<string, unknown>;
  for (const key of Object.keys(device)) if (!DEVICE_KEYS.has(key)) problems.push(`device.${key} is not documented`);
  if (!Array.isArray(device['identifiers']) || device['identifiers'].length === 0) problems.push('device needs identifiers');
  for (const entry of (payload['availability'] as Record<string, unknown>[] | undefined) ?? []) {
    for (const key of Object.keys(entry)) if (!AVAILABILITY_KEYS.has(key)) problems.push(`availability.${key} is not documented`);
    if (typeof entry['topic'] !== 'string') problems.push('availability entries need a topic');
  }
  if (payload['availability'] !== undefined && payload['availability_topic'] !== undefined) problems.push('availability and availability_topic exclude each other');
  if (payload['availability_mode'] !== undefined && !['all', 'any', 'latest'].includes(payload['availability_mode'] as string)) problems.push('availability_mode');
  const origin = payload['origin'] as Record<string, unknown> | undefined;
  if (origin) {
    for (const key of Object.keys(origin)) if (!ORIGIN_KEYS.has(key)) problems.push(`origin.${key} is not documented`);
    if (typeof origin['name'] !== 'string') problems.push('origin needs a name');
  }
  if (payload['entity_category'] !== undefined && !ENTITY_CATEGORIES.has(payload['entity_category'] as string)) problems.push('entity_category');
  if (payload['state_class'] !== undefined && !STATE_CLASSES.has(payload['state_class'] as string)) problems.push('state_class');
  const deviceClass = payload['device_class'] as string | undefined;
  if (component === 'sensor' && deviceClass !== undefined) {
    const units = DOCUMENTED_SENSOR_UNITS[deviceClass];
    if (!units) problems.push(`device class ${deviceClass} is not one this test knows from the documentation`);
    else if (!units.includes(payload['unit_of_measurement'] as string)) problems.push(`${deviceClass} does not take ${String(payload['unit_of_measurement'])}`);
    if (deviceClass === 'wind_direction' ? payload['state_class'] !== 'measurement_angle' : payload['state_class'] === 'measurement_angle') problems.push('measurement_angle is for wind direction only');
  }
  if (component === 'binary_sensor' && deviceClass !== undefined && !BINARY_DEVICE_CLASSES.has(deviceClass)) problems.push(`binary device class ${deviceClass}`);
  if (payload['default_entity_id'] !== undefined && !new RegExp(`^${component}\\.[a-z0-9_]+$`).test(payload['default_entity_id'] as string)) problems.push('default_entity_id is <component>.<object id>');
  if (!/^[^/]+\/(sensor|binary_sensor)\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/config$/.test(message.topic)) problems.push(`topic ${message.topic}`);
  return problems.map((problem) => `${message.topic}: ${problem}`);
}

/** A node with the usual devices: weather station, dust, CO2, water level, a door contact. */
function fieldConfig(homeassistant: Record<string, unknown> | 'off' = {}): NodeConfig {
  return validateSimulated(fieldRaw(homeassistant));
}

function fieldRaw(homeassistant: Record<string, unknown> | 'off' = {}): { boards: Record<string, unknown>[] } & Record<string, unknown> {
  return {
    dataDir: '/var/lib/fieldnode',
    node: { id: 'pole-7', site: 'riverside' },
    broker: { url: 'mqtt://127.0.0.1:1883' },
    ...(homeassistant !== 'off' ? { homeassistant } : {}),
    boards: [
      { id: 'station', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [
        { name: 'temperature', unit: 'Cel', key: 't' }, { name: 'humidity', unit: '%RH', key: 'h' }, { name: 'pressure', unit: 'Pa', key: 'p' }, { name: 'rain', unit: 'mm', key: 'r' },
      ] },
      { id: 'dust', simulator: { device: 'sds011' }, device: { type: 'sds011' }, sensors: [{ name: 'fine', unit: 'ug/m3', field: 'pm2_5' }, { name: 'pm10', unit: 'ug/m3', field: 'pm10' }] },
      { id: 'air', simulator: { device: 'mhz19' }, device: { type: 'mhz19', intervalMs: 2000, timeoutMs: 500 }, sensors: [{ name: 'co2', unit: 'ppm' }] },
      { id: 'river', simulator: { device: 'maxbotix' }, device: { type: 'maxbotix', mountHeightMm: 4000 }, sensors: [{ name: 'distance', unit: 'mm', field: 'range' }, { name: 'level', unit: 'm', field: 'level' }] },
      { id: 'gate', simulator: { device: 'firmata-board' }, device: { type: 'digital' }, sensors: [{ name: 'door.open', pin: 2 }] },
    ],
  };
}

function messagesOf(config: NodeConfig, version = '1.4.0'): DiscoveryMessage[] {
  return discoveryMessages({ address: { prefix: config.broker.topicPrefix, site: config.node.site, node: config.node.id }, boards: config.boards, settings: config.homeassistant!, version });
}

const byTopic = (messages: DiscoveryMessage[], topic: string) => messages.find((message) => message.topic === topic)?.payload as Record<string, unknown>;

describe('discovery payloads', () => {
  it('use only documented keys, with the required ones and documented unit/class pairs', () => {
    const messages = messagesOf(fieldConfig());
    // One per sensor and the node's own connection.
    expect(messages).toHaveLength(4 + 2 + 1 + 2 + 1 + 1);
    expect(messages.flatMap(schemaProblems)).toEqual([]);
  });

  it('describe each sensor with its unit, class, state topic, device and availability', () => {
    const messages = messagesOf(fieldConfig({ nodeName: 'Pole 7', expireAfterSeconds: 600 }));
    const temperature = byTopic(messages, 'homeassistant/sensor/pole-7/station_temperature/config');
    expect(temperature).toEqual({
      name: 'temperature',
      unique_id: 'fieldnode/riverside/pole-7/station/temperature',
      default_entity_id: 'sensor.pole_7_station_temperature',
      state_topic: 'fieldnode/riverside/pole-7/station/state',
      value_template: "{{ value_json['temperature'] }}",
      unit_of_measurement: '°C',
      device_class: 'temperature',
      state_class: 'measurement',
      expire_after: 600,
      device: { identifiers: ['fieldnode/riverside/pole-7/station'], name: 'Pole 7 station', manufacturer: 'fieldnode', model: 'lines', sw_version: '1.4.0', via_device: 'fieldnode/riverside/pole-7' },
      availability: [
        { topic: 'fieldnode/riverside/pole-7/status', value_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' },
        { topic: 'fieldnode/riverside/pole-7/station/status', value_template: '{{ value_json.state }}', payload_available: 'online', payload_not_available: 'offline' },
      ],
      availability_mode: 'all',
      origin: { name: 'fieldnode', sw_version: '1.4.0' },
    });
    const classes = Object.fromEntries(messages.map((message) => [message.topic.split('/')[3], [message.payload['unit_of_measurement'], message.payload['device_class']]]));
    expect(classes).toEqual({
      status: [undefined, 'connectivity'],
      station_temperature: ['°C', 'temperature'],
      station_humidity: ['%', 'humidity'],
      station_pressure: ['Pa', 'pressure'],
      station_rain: ['mm', 'precipitation'],
      dust_fine: ['µg/m³', 'pm25'],
      dust_pm10: ['µg/m³', 'pm10'],
      air_co2: ['ppm', 'carbon_dioxide'],
      river_distance: ['mm', 'distance'],
      river_level: ['m', 'distance'],
      gate_door_open: [undefined, undefined],
    });
  });

  it('make on/off sensors binary sensors, with the payloads their JSON booleans render as', () => {
    const door = byTopic(messagesOf(fieldConfig()), 'homeassistant/binary_sensor/pole-7/gate_door_open/config');
    expect(door).toMatchObject({ name: 'door.open', value_template: "{{ value_json['door.open'] }}", payload_on: 'True', payload_off: 'False', default_entity_id: 'binary_sensor.pole_7_gate_door_open' });
    expect(door).not.toHaveProperty('expire_after');
    expect(door).not.toHaveProperty('state_class');
  });

  it('give the node a device of its own, which every board routes through', () => {
    const messages = messagesOf(fieldConfig());
    const node = byTopic(messages, 'homeassistant/binary_sensor/pole-7/status/config');
    expect(node).toMatchObject({ state_topic: 'fieldnode/riverside/pole-7/status', payload_on: 'online', payload_off: 'offline', device: { identifiers: ['fieldnode/riverside/pole-7'], name: 'pole-7' } });
    const vias = new Set(messages.slice(1).map((message) => (message.payload['device'] as { via_device: string }).via_device));
    expect(vias).toEqual(new Set(['fieldnode/riverside/pole-7']));
  });

  it('follow the discovery prefix', () => {
    const topics = messagesOf(fieldConfig({ discoveryPrefix: 'ha/discovery' })).map((message) => message.topic);
    expect(topics.every((topic) => topic.startsWith('ha/discovery/'))).toBe(true);
  });

  it('keep documented keys and unit/class pairs for any sensor name and unit', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/);
    const unit = fc.option(fc.constantFrom('Cel', 'K', '%RH', '%', 'ug/m3', 'ppm', 'ppb', 'Pa', 'hPa', 'kPa', 'm', 'mm', 'cm', 'mm/h', 'm/s', 'dB', 'dBm', 'V', 'A', 'W', 'Wh', 'Hz', 'lx', 'W/m2', 's', 'deg', 'count', '/', 'kg/m3', 'rpm'), { nil: undefined });
    fc.assert(
      fc.property(name, name, unit, fc.constantFrom('lines', 'digital', 'analog'), (board, sensor, senmlUnit, type) => {
        const boards = [{ id: board, hupcl: true, device: { type }, sensors: [{ name: sensor, unit: senmlUnit }] }] as unknown as BoardConfig[];
        const messages = discoveryMessages({ address: { prefix: 'fieldnode', site: 's', node: 'n' }, boards, settings: { discoveryPrefix: 'homeassistant' }, version: '1' });
        expect(messages.flatMap(schemaProblems)).toEqual([]);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  }, PROPERTY_TIMEOUT_MS);
});

describe('units and device classes', () => {
  it('maps SenML units to the symbols Home Assistant shows', () => {
    expect(['Cel', '%RH', 'ug/m3', 'ppm', 'Pa', 'hPa', 'm', 'mm', 'mm/h', 'dB', 'W/m2', 'deg', 'count', 'rpm', undefined].map(homeAssistantUnit)).toEqual(
      ['°C', '%', 'µg/m³', 'ppm', 'Pa', 'hPa', 'm', 'mm', 'mm/h', 'dB', 'W/m²', '°', undefined, 'rpm', undefined],
    );
  });

  it('reads what a unit cannot say from the name', () => {
    expect(deviceClassFor('ug/m3', 'pm2_5')).toBe('pm25');
    expect(deviceClassFor('ug/m3', 'pm25')).toBe('pm25');
    expect(deviceClassFor('ug/m3', 'pm10_cf1')).toBe('pm10');
    expect(deviceClassFor('ug/m3', 'pm1_0')).toBe('pm1');
    expect(deviceClassFor('ug/m3', 'dust')).toBeUndefined();
    expect(deviceClassFor('ppm', 'co2')).toBe('carbon_dioxide');
    expect(deviceClassFor('ppm', 'co')).toBe('carbon_monoxide');
    expect(deviceClassFor('ppm', 'voc')).toBeUndefined();
    expect(deviceClassFor('mm', 'rain')).toBe('precipitation');
    expect(deviceClassFor('mm', 'gap')).toBe('distance');
    expect(deviceClassFor('mm/h', 'rain_rate')).toBe('precipitation_intensity');
    expect(deviceClassFor('dB', 'noise')).toBe('sound_pressure');
    expect(deviceClassFor('dB', 'rssi')).toBe('signal_strength');
    expect(deviceClassFor('Pa', 'barometer')).toBe('atmospheric_pressure');
    expect(deviceClassFor('Pa', 'pipe')).toBe('pressure');
    expect(deviceClassFor('%', 'battery')).toBe('battery');
    expect(deviceClassFor('%', 'duty')).toBeUndefined();
    expect(deviceClassFor('%RH', 'inside')).toBe('humidity');
    expect(deviceClassFor('deg', 'wind_dir')).toBe('wind_direction');
    expect(deviceClassFor('deg', 'tilt')).toBeUndefined();
    expect(deviceClassFor(undefined, 'temperature')).toBeUndefined();
  });
});

describe('entities and state', () => {
  it('names the entities an aggregate filter sends instead of the sensor', () => {
    expect(entityNamesOf({ name: 'level', filters: [{ median: { window: 5 } }, { aggregate: { intervalMs: 60_000, send: ['min', 'mean', 'max'] } }] })).toEqual(['level_min', 'level_mean', 'level_max']);
    expect(entityNamesOf({ name: 'level' })).toEqual(['level']);
  });

  it('clears exactly the entities a new config no longer has', () => {
    const before = messagesOf(fieldConfig());
    const raw = fieldRaw();
    const fewer = validateSimulated({ ...raw, boards: raw.boards.filter((board) => board['id'] !== 'dust') });
    expect(goneTopics(before, messagesOf(fewer))).toEqual(['homeassistant/sensor/pole-7/dust_fine/config', 'homeassistant/sensor/pole-7/dust_pm10/config']);
    expect(goneTopics(before, before)).toEqual([]);
  });

  it('keeps the latest value of each reading and the time of the newest', () => {
    const first = mergeValues({}, [{ name: 'temperature', value: 21.5, time: Date.UTC(2026, 0, 1) }, { name: 'humidity', value: 40, time: Date.UTC(2026, 0, 1, 0, 0, 1) }]);
    const second = mergeValues(first, [{ name: 'temperature', value: 22, time: Date.UTC(2026, 0, 1, 0, 1) }]);
    expect(first).toEqual({ temperature: 21.5, humidity: 40 });
    expect(statePayload(second, [{ name: 'temperature', value: 22, time: Date.UTC(2026, 0, 1, 0, 1) }])).toEqual({ temperature: 22, humidity: 40, time: '2026-01-01T00:01:00.000Z' });
  });
});

describe('the homeassistant section', () => {
  it('is off when absent and fills its defaults when present', () => {
    expect(fieldConfig('off').homeassistant).toBeUndefined();
    expect(fieldConfig({}).homeassistant).toEqual({ discoveryPrefix: 'homeassistant' });
  });

  it('refuses a section left empty (YAML null) with its path', () => {
    expect(() => validateSimulated({ ...fieldRaw(), homeassistant: null })).toThrow('homeassistant: expected object, got null');
  });

  it('refuses a prefix with wildcards, a sensor called time and sensors whose discovery ids meet', () => {
    const raw = fieldRaw();
    const bad = {
      ...raw,
      homeassistant: { discoveryPrefix: 'home/#', expireAfterSeconds: 0 },
      boards: [...raw.boards, { id: 'station.x', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'time', unit: 's', key: 't' }] }, { id: 'station_x', simulator: { device: 'weather-station' }, device: { type: 'lines' }, sensors: [{ name: 'time', unit: 's', key: 't' }] }],
    };
    let message = '';
    try {
      validateSimulated(bad);
    } catch (error) {
      message = (error as Error).message + JSON.stringify((error as { problems?: unknown }).problems ?? []);
    }
    expect(message).toContain('homeassistant.discoveryPrefix');
    expect(message).toContain('homeassistant.expireAfterSeconds');
    expect(message).toContain('boards[5].sensors[0].name');
    expect(message).toMatch(/same id \(station_x_time\) as boards\[5\]\.sensors\[0\]\.name/);
    expect(message).toContain('"time" is the timestamp of the Home Assistant state topic');
  });
});
