import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of a certificate and its key, and of the CA that signed it. */
export interface Issued {
  readonly cert: string;
  readonly key: string;
}

function openssl(args: string[], directory: string): void {
  execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
}

/** A self-signed CA in `directory`, named `name`, valid for `days` days. */
export function makeCa(directory: string, name: string, days = 2): Issued {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', String(days), '-subj', `/CN=${name}`], directory);
  return { cert: join(directory, `${name}.crt`), key: join(directory, `${name}.key`) };
}

/**
 * A certificate for `commonName` signed by `ca`, with the given subjectAltName (for servers),
 * valid for `days` days from now; a negative count makes one that has already expired.
 */
export function issue(directory: string, ca: Issued, name: string, commonName: string, altNames?: string, days = 2): Issued {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`], directory);
  const extensions = join(directory, `${name}.ext`);
  writeFileSync(extensions, altNames ? `subjectAltName=${altNames}\n` : 'basicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${name}.crt`, '-days', String(days), '-extfile', extensions], directory);
  chmodSync(join(directory, `${name}.key`), 0o600);
  return { cert: join(directory, `${name}.crt`), key: join(directory, `${name}.key`) };
}
