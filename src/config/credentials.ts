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
  const password = broker.password ? readSecretValue(broker.password, 'broker.password', { value: 'the broker password', file: 'the password file' }, environment, problems) : undefined;
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
 * The page's token (`http.token`), read as the broker password is: a variable that is not set,
 * or a file that is missing, empty or open to others, is a config problem (exit 78).
 */
export function readHttpToken(http: NodeConfig['http'], source = 'config', environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!http?.token) return undefined;
  const problems: ConfigProblem[] = [];
  const token = readSecretValue(http.token, 'http.token', { value: "the page's token", file: 'the token file' }, environment, problems);
  if (token === '') problems.push({ path: 'http.token', message: "the page's token is empty" });
  if (problems.length > 0) throw new ConfigProblemList(problems, source);
  return token;
}

/** A secret from `{ env: NAME }` or `{ file: PATH }`, or undefined with the problem recorded at `path`. */
function readSecretValue(secret: { env: string } | { file: string }, path: string, names: { value: string; file: string }, environment: NodeJS.ProcessEnv, problems: ConfigProblem[]): string | undefined {
  if ('env' in secret) {
    const value = environment[secret.env];
    if (value === undefined || value === '') problems.push({ path: `${path}.env`, message: `environment variable ${secret.env} is not set (it holds ${names.value})` });
    return value === '' ? undefined : value;
  }
  const data = readPrivate(secret.file, `${path}.file`, names.file, false, problems);
  return data?.toString('utf8').replace(/\r?\n$/, '');
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
