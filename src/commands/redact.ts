/**
 * The running config as `get-config` shows it. No secret value is ever in a config (passwords
 * and tokens come from `{ env }` or `{ file }`), but where they come from is still worth
 * hiding from whoever may publish to the node's command topic: the name of the variable or
 * file holding the broker password or the HTTP token, and the path of the TLS client key,
 * say where to look. Those are replaced by a marker; so is any option of a plugin driver
 * whose key reads like a credential.
 */

export const REDACTED = '(redacted)';

/** Keys whose value is, or says where to find, a credential: wherever they appear. */
const SECRET_KEY = /(password|passphrase|secret|token|apikey|api_key|privatekey|private_key|credentials?)$/i;

/** `broker.tls.key` is a path to the client's private key: a key named plainly `key` is not always one. */
const SECRET_PATHS = new Set(['broker.tls.key']);

export function redactConfig(config: unknown): unknown {
  return redact(config, '');
}

function redact(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, index) => redact(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => {
      const itemPath = path === '' ? key : `${path}.${key}`;
      return [key, SECRET_PATHS.has(itemPath) || SECRET_KEY.test(key) ? REDACTED : redact(item, itemPath)];
    }),
  );
}
