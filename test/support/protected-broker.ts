import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Issued } from './certificates.js';
import { freePort } from './free-port.js';
import { startMosquitto, type MosquittoBroker } from './mosquitto.js';

/** A broker as a deployment runs one: no anonymous clients, a password file and an ACL. */
export interface ProtectedBroker {
  readonly broker: MosquittoBroker;
  /** A second listener without TLS, same users and ACL. */
  readonly plainPort: number;
}

/**
 * Starts mosquitto with `users` (name → password) in a password file, `acl` as its ACL file,
 * a TLS listener on the broker's port that requires a client certificate signed by `ca`, and a
 * plain listener; both in `directory`.
 */
export async function startProtectedMosquitto(options: { directory: string; ca: Issued; server: Issued; users: Record<string, string>; acl: string }): Promise<ProtectedBroker> {
  const { directory, ca, server } = options;
  const passwd = join(directory, 'passwd');
  Object.entries(options.users).forEach(([user, password], index) => {
    execFileSync('mosquitto_passwd', ['-b', ...(index === 0 ? ['-c'] : []), passwd, user, password]);
  });
  writeFileSync(join(directory, 'acl'), options.acl);
  const plainPort = await freePort();
  const broker = await startMosquitto({
    listeners: (port) => [
      // Keep root when started as root, so the broker can read the root-only test keys.
      'user root',
      'per_listener_settings false',
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${join(directory, 'acl')}`,
      `listener ${port} 127.0.0.1`,
      `cafile ${ca.cert}`,
      `certfile ${server.cert}`,
      `keyfile ${server.key}`,
      'require_certificate true',
      `listener ${plainPort} 127.0.0.1`,
    ],
  });
  return { broker, plainPort };
}
