/**
 * One node of a fleet: a real FieldNode with its own data directory, client id and outbox,
 * its sensors on simulated weather stations (4 sensors each, the last one fewer when the
 * count asks it), each printing `kv` lines at the fleet's rate.
 */
import { join } from 'node:path';
import { FieldNode, validateConfig, type Catalog, type NodeConfig, type NtpProbe } from '../../src/index.js';
import { weatherStationFields } from '../devices/weather-station.js';

/** The site every fleet node reports under. */
export const FLEET_SITE = 'fleet';

export interface FleetNodeSpec {
  readonly index: number;
  readonly sensors: number;
  /** Readings per second of each sensor. */
  readonly rate: number;
  readonly brokerUrl: string;
  /** The fleet's temporary folder: the node keeps its outbox in its own directory below it. */
  readonly directory: string;
}

/** The node id of the `index`th node: sortable, so a report lists them in order. */
export function fleetNodeId(index: number): string {
  return `node-${String(index).padStart(5, '0')}`;
}

/** The config of one fleet node, checked against the catalog of its simulation. */
export function fleetNodeConfig(spec: FleetNodeSpec, catalog: Catalog): NodeConfig {
  const stations = Math.ceil(spec.sensors / weatherStationFields.length);
  const intervalMs = Math.max(1, Math.round(1000 / spec.rate));
  const boards = Array.from({ length: stations }, (_, station) => {
    const fields = weatherStationFields.slice(0, Math.min(weatherStationFields.length, spec.sensors - station * weatherStationFields.length));
    return {
      id: `station-${station}`,
      simulator: { device: 'weather-station', seed: spec.index * stations + station + 1, intervalMs },
      device: { type: 'lines' },
      sensors: fields.map((field) => ({ name: field.name, unit: field.unit, key: field.key })),
    };
  });
  const id = fleetNodeId(spec.index);
  return validateConfig(
    {
      dataDir: join(spec.directory, id),
      node: { id, site: FLEET_SITE },
      broker: { url: spec.brokerUrl, clientId: `fieldnode-fleet-${id}` },
      // One pack per board per second at 1 Hz: the pack rate a real deployment would have.
      batching: { maxReadings: 100, maxDelayMs: Math.max(1000, intervalMs) },
      boards,
    },
    `fleet node ${id}`,
    catalog,
  );
}

/**
 * What every node of a fleet shares: the catalog (immutable; the config schema built from it
 * is built once for all) and the NTP answer. Each node still opens its own twins, outbox and
 * MQTT session.
 */
export interface FleetShared {
  readonly catalog: Catalog;
  readonly ntpProbe: NtpProbe;
}

/** A fleet node: its own config, data directory, twins and session, on the fleet's shared catalog. */
export function fleetNode(spec: FleetNodeSpec, shared: FleetShared): FieldNode {
  return new FieldNode(fleetNodeConfig(spec, shared.catalog), { catalog: shared.catalog, ntpProbe: shared.ntpProbe, version: 'fleet' });
}
