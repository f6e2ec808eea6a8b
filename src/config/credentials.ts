import type { ConfigProblem } from '../core/errors.js';
import type { TlsMaterial } from './tls-files.js';
import { MAX_FILE_BYTES, readBounded } from './bounded-read.js';
import { quoteValue } from './excerpt.js';
import { ConfigProblemList } from './problem-list.js';
import type { NodeConfig } from './schema.js';

/** The broker credentials and TLS material a config names, read from where it says they are. */
export interface BrokerCredentials {
  readonly password?: string;
  readonly tls?: TlsMaterial;
}

/**
 * Reads every credential and TLS file and variable the broker config names. Whatever is
 * missing, unreadable or readable by other users is a config problem like any other: all of
 * them are reported at once, each with its path, and the process exits 78. Values and
 * password file names are never quoted: a password written where its file name belongs
 * would be echoed otherwise.
 */
export function readBrokerCredentials(broker: NodeConfig['broker'], source = 'config', environment: NodeJS.ProcessEnv = process.env): BrokerCredentials {
  const problems: ConfigProblem[] = [];
  let password: string | undefined;
  if (broker.password && 'env' in broker.password) {
    const value = environment[broker.password.env];
    if (value === undefined || value === '') problems.push({ path: 'broker.password.env', message: `environment variable ${broker.password.env} is not set (it holds the broker password)` });
    else password = value;
  } else if (broker.password) {
    const data = readPrivate(broker.password.file, 'broker.password.file', 'the password file', false, problems);
    password = data?.toString('utf8').replace(/\r?\n$/, '');
  }
  const tls = broker.tls;
  const material: TlsMaterial | undefined = tls && {
    ca: tls.ca === undefined ? undefined : readPublic(tls.ca, 'broker.tls.ca', 'the TLS CA file', problems),
    cert: tls.cert === undefined ? undefined : readPublic(tls.cert, 'broker.tls.cert', 'the TLS certificate file', problems),
    key: tls.key === undefined ? undefined : readPrivate(tls.key, 'broker.tls.key', 'the TLS key file', true, problems),
    verifyServer: tls.verifyServer,
    serverName: tls.serverName,
  };
  if (problems.length > 0) throw new ConfigProblemList(problems, source);
  return { ...(password === undefined ? {} : { password }), ...(material ? { tls: material } : {}) };
}

/**
 * A file that holds a secret: it must be private to its owner (mode 600 or stricter), since a
 * key or password anyone on the gateway can copy is not a secret any more (ssh refuses such
 * keys too).
 */
function readPrivate(file: string, path: string, what: string, named: boolean, problems: ConfigProblem[]): Buffer | undefined {
  const read = readBounded(file, MAX_FILE_BYTES);
  const name = named ? ` ${quoteValue(file)}` : '';
  if (!read.ok) {
    problems.push({ path, message: `cannot read ${what}${name}: ${read.reason}` });
    return undefined;
  }
  const mode = read.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    problems.push({ path, message: `${what}${name} is open to group or others (mode ${mode.toString(8)}): it must be private to its owner, chmod 600` });
    return undefined;
  }
  return read.data;
}

function readPublic(file: string, path: string, what: string, problems: ConfigProblem[]): Buffer | undefined {
  const read = readBounded(file, MAX_FILE_BYTES);
  if (read.ok) return read.data;
  problems.push({ path, message: `cannot read ${what} ${quoteValue(file)}: ${read.reason}` });
  return undefined;
}
