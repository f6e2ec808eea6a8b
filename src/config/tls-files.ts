import { readFileSync } from 'node:fs';
import { FieldnodeError } from '../core/errors.js';
import type { NodeConfig } from './schema.js';
import { readSecretFile } from './secret.js';

/** TLS material, already read from disk. */
export interface TlsMaterial {
  readonly ca?: Buffer | undefined;
  readonly cert?: Buffer | undefined;
  readonly key?: Buffer | undefined;
  readonly verifyServer: boolean;
  readonly serverName?: string | undefined;
}

/** Reads the CA, certificate and key a TLS config names; the key must be private to its owner. */
export function readTlsMaterial(tls: NonNullable<NodeConfig['broker']['tls']>): TlsMaterial {
  return {
    ca: tls.ca === undefined ? undefined : readPublic(tls.ca, 'CA'),
    cert: tls.cert === undefined ? undefined : readPublic(tls.cert, 'certificate'),
    key: tls.key === undefined ? undefined : readSecretFile(tls.key),
    verifyServer: tls.verifyServer,
    serverName: tls.serverName,
  };
}

function readPublic(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new FieldnodeError(`cannot read TLS ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'TLS', { cause: error });
  }
}
