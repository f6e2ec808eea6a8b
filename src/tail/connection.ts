/**
 * How a tail reaches the broker: as a node's config says (username, password, TLS, protocol),
 * or as the command line says. A broker that refuses is explained in one line that names what
 * to fix, in the terms the settings were given in.
 */
import type { BrokerConfig } from '../config/schema.js';
import { readSecret } from '../config/secret.js';
import { readTlsMaterial } from '../config/tls-files.js';
import { FieldnodeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { explainBrokerError } from '../uplink/broker-errors.js';
import { offeredCredentials, subscribe, type ReceivedMessage, type SubscribeOptions, type Subscription } from '../uplink/subscriber.js';

/** The subscriber options a node's broker config gives: the node's own identity, so a per-node ACL lets the tail read. */
export function optionsFromBroker(broker: BrokerConfig, environment: NodeJS.ProcessEnv = process.env): SubscribeOptions {
  return {
    ...(broker.username !== undefined ? { username: broker.username } : {}),
    ...(broker.password ? { password: readSecret(broker.password, environment) } : {}),
    ...(broker.tls ? { tls: readTlsMaterial(broker.tls) } : {}),
    protocol: broker.protocol,
  };
}

/** Connection settings given on the command line; a password only ever from a file or a variable. */
export interface ConnectionFlags {
  readonly username?: string | undefined;
  readonly passwordFile?: string | undefined;
  readonly passwordEnv?: string | undefined;
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly insecure?: boolean | undefined;
}

/** Whether any connection flag is given (they then replace a config's settings). */
export function hasConnectionFlags(flags: ConnectionFlags): boolean {
  return [flags.username, flags.passwordFile, flags.passwordEnv, flags.ca, flags.cert, flags.key].some((value) => value !== undefined) || flags.insecure === true;
}

/** Subscriber options from the command line, over `base` (a config's), each flag replacing its setting. */
export function optionsFromFlags(flags: ConnectionFlags, base: SubscribeOptions = {}, environment: NodeJS.ProcessEnv = process.env): SubscribeOptions {
  const password =
    flags.passwordFile !== undefined ? readSecret({ file: flags.passwordFile }, environment) : flags.passwordEnv !== undefined ? readSecret({ env: flags.passwordEnv }, environment) : base.password;
  const tlsGiven = flags.ca !== undefined || flags.cert !== undefined || flags.insecure === true;
  const tls = tlsGiven
    ? readTlsMaterial({
        ...(flags.ca !== undefined ? { ca: flags.ca } : {}),
        ...(flags.cert !== undefined ? { cert: flags.cert, key: flags.key } : {}),
        verifyServer: flags.insecure !== true,
      })
    : base.tls;
  const username = flags.username ?? base.username;
  return { ...base, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}), ...(tls ? { tls } : {}) };
}

/** Names the command-line flags where an explanation names config keys. */
export function inFlagTerms(explanation: string): string {
  return explanation
    .replaceAll('broker.username and broker.password', '--username and --password-file (or --password-env)')
    .replaceAll('broker.username', '--username')
    .replaceAll('broker.password', '--password-file (or --password-env)')
    .replaceAll('broker.tls.cert and key', '--cert and --key')
    .replaceAll('broker.tls.ca', '--ca')
    .replaceAll('or set broker.tls.serverName', 'as the URL host');
}

/**
 * Subscribes to `filters`; a broker that refuses (down, bad credentials, untrusted
 * certificate, an ACL) becomes a FieldnodeError that says what to check.
 */
export async function subscribeExplained(
  url: string,
  filters: string[],
  onMessage: (message: ReceivedMessage) => void,
  logger: Logger,
  options: SubscribeOptions,
  terms: (explanation: string) => string = (explanation) => explanation,
): Promise<Subscription> {
  try {
    return await subscribe(url, filters, onMessage, logger, options);
  } catch (error) {
    if (error instanceof FieldnodeError) throw error;
    throw new FieldnodeError(terms(explainBrokerError(error as Error & { code?: string | number }, url, offeredCredentials(options))), 'TAIL', { cause: error });
  }
}
