/**
 * A gateway's setup for the doctor's tests: certificates valid long enough not to warn (or
 * already expired), a mosquitto with TLS, a password file and an ACL that confines each node
 * to its own tree, and a config of one simulated board written in a temp directory.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClockProbe } from '../../src/doctor/clock.js';
import type { Issued } from '../support/certificates.js';
import { startProtectedMosquitto, type ProtectedBroker } from '../support/protected-broker.js';

export const NODE_ID = 'doc-node';
export const PASSWORD = 'doctor horse battery staple';
/** Every node may use its own tree only: the pattern the README documents. */
export const NODE_TREE_ACL = 'pattern readwrite fieldnode/+/%u/#\n';

/** A gateway whose clock is synchronised, as the test machine's may not be. */
export const syncedClock: ClockProbe = { root: '/nonexistent', run: (command) => (command === 'timedatectl' ? 'yes\n' : undefined) };

function openssl(args: string[], directory: string): void {
  execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
}

/** A self-signed CA valid for a year. */
export function makeLongCa(directory: string, name: string): Issued {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '365', '-subj', `/CN=${name}`], directory);
  return { cert: join(directory, `${name}.crt`), key: join(directory, `${name}.key`) };
}

/** A certificate signed by `ca` for `days` days from now; a negative count makes one that has already expired. */
export function issueFor(directory: string, ca: Issued, name: string, days: number, altNames?: string): Issued {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], directory);
  const extensions = join(directory, `${name}.ext`);
  writeFileSync(extensions, altNames ? `subjectAltName=${altNames}\n` : 'basicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${name}.crt`, '-days', String(days), '-extfile', extensions], directory);
  chmodSync(join(directory, `${name}.key`), 0o600);
  return { cert: join(directory, `${name}.crt`), key: join(directory, `${name}.key`) };
}

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
  const ca = makeLongCa(directory, 'doctor-ca');
  const server = issueFor(directory, ca, 'server', options.serverDays ?? 200, 'IP:127.0.0.1,DNS:localhost');
  const client = issueFor(directory, ca, 'client', 200);
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
