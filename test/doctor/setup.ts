/**
 * A gateway's setup for the doctor's tests: certificates valid long enough not to warn (or
 * already expired), a mosquitto with TLS, a password file and an ACL that confines each node
 * to its own tree, and a config of one simulated board written in a temp directory.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClockProbe } from '../../src/doctor/clock.js';
import { issue, makeCa, type Issued } from '../support/certificates.js';
import { startProtectedMosquitto, type ProtectedBroker } from '../support/protected-broker.js';

export const NODE_ID = 'doc-node';
export const PASSWORD = 'doctor horse battery staple';
/** Every node may use its own tree only: the pattern the README documents. */
export const NODE_TREE_ACL = 'pattern readwrite fieldnode/+/%u/#\n';

/** A gateway whose clock is synchronised, as the test machine's may not be. */
export const syncedClock: ClockProbe = { root: '/nonexistent', run: (command) => (command === 'timedatectl' ? 'yes\n' : undefined) };


/** A protected broker and what a node needs to reach it. */
export interface DoctorBroker extends ProtectedBroker {
  readonly directory: string;
  readonly ca: Issued;
  readonly client: Issued;
  readonly passwordFile: string;
  /** Stops the broker and removes its files and certificates. */
  close(): Promise<void>;
}

/** Mosquitto with TLS (client certificates required), the node's user and the node-tree ACL; its server certificate valid for `serverDays`. */
export async function startDoctorBroker(options: { serverDays?: number; acl?: string } = {}): Promise<DoctorBroker> {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-doctor-'));
  const ca = makeCa(directory, 'doctor-ca', 365);
  const server = issue(directory, ca, 'server', 'server', 'IP:127.0.0.1,DNS:localhost', options.serverDays ?? 200);
  const client = issue(directory, ca, 'client', 'client', undefined, 200);
  const passwordFile = join(directory, 'node.password');
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  chmodSync(passwordFile, 0o600);
  const started = await startProtectedMosquitto({ directory, ca, server, users: { [NODE_ID]: PASSWORD }, acl: options.acl ?? NODE_TREE_ACL });
  return {
    ...started,
    directory,
    ca,
    client,
    passwordFile,
    async close() {
      await started.broker.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Writes a config of one simulated weather station reaching `broker` over TLS; `changes` replace parts of it. */
export function writeDoctorConfig(broker: DoctorBroker, changes: { broker?: Record<string, unknown>; tls?: Record<string, unknown>; boards?: unknown[]; dataDir?: string } = {}): string {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-doctor-node-'));
  const config = {
    node: { id: NODE_ID, site: 'test-site' },
    dataDir: changes.dataDir ?? join(directory, 'data'),
    broker: {
      url: `mqtts://127.0.0.1:${broker.broker.port}`,
      username: NODE_ID,
      password: { file: broker.passwordFile },
      tls: { ca: broker.ca.cert, cert: broker.client.cert, key: broker.client.key, ...changes.tls },
      ...changes.broker,
    },
    boards: changes.boards ?? [stationBoard()],
  };
  const path = join(directory, 'fieldnode.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

/** A simulated weather station that answers within a tenth of a second. */
export function stationBoard(): Record<string, unknown> {
  return {
    id: 'station',
    simulator: { device: 'weather-station', intervalMs: 100 },
    device: { type: 'lines' },
    sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }],
  };
}
