/** The checks answers get on the spot: the same rules the config schema applies later. */
import { identifier } from '../config/identifiers.js';
import { secretSource } from '../config/secret.js';

/** A node id, site or board id: what topic levels and SenML names accept. */
export function checkIdentifier(text: string): string | undefined {
  const result = identifier.safeParse(text);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** A broker URL the node can connect to, without credentials in it. */
export function checkBrokerUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'a broker URL such as mqtts://broker.example.net:8883 or mqtt://localhost:1883';
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) return `${url.protocol}// is not an MQTT scheme: use mqtts:// (TLS, port 8883) or mqtt:// (port 1883)`;
  if (url.hostname === '') return 'the URL names no host';
  if (url.username !== '' || url.password !== '') return 'no user or password in the URL: they are asked for next';
  return undefined;
}

/** Advice on a URL that works but sends the password in clear over someone else's network. */
export function brokerUrlAdvice(text: string): string | undefined {
  const url = new URL(text);
  const local = ['localhost', '127.0.0.1', '::1', '[::1]'].includes(url.hostname);
  if ((url.protocol === 'mqtt:' || url.protocol === 'ws:') && !local) return `note: ${url.protocol}// sends the password unencrypted; a broker with TLS is reached as mqtts://${url.hostname}:8883`;
  return undefined;
}

/** An environment variable name the config's `{ env: NAME }` accepts. */
export function checkEnvName(text: string): string | undefined {
  return secretSource.safeParse({ env: text }).success ? undefined : 'an environment variable name: letters, digits and "_", not starting with a digit';
}

/** A data directory: absolute, since the node may be started from anywhere (systemd starts it in /). */
export function checkDataDir(text: string): string | undefined {
  return text.startsWith('/') ? undefined : 'an absolute path, such as /var/lib/fieldnode';
}
