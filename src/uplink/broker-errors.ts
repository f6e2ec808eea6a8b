/** The credentials a client connected with, as far as an explanation may tell: never the password itself. */
export interface OfferedCredentials {
  readonly username?: string | undefined;
  readonly hasPassword?: boolean | undefined;
}

/**
 * Broker failures in words a technician can act on. MQTT.js reports socket errors by errno
 * and CONNACK refusals by MQTT 5 reason code (or the 3.1.1 return code); this names the cause.
 * Only connection failures come here: a refused PUBLISH (the ACL) reaches the publisher.
 * Without `credentials`, a refusal is explained without saying what was configured.
 */
export function explainBrokerError(error: Error & { code?: string | number }, url: string, credentials?: OfferedCredentials): string {
  const code = error.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `broker ${url} refused the connection: is it running, and is the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `broker host in ${url} cannot be resolved: check the name and the gateway's DNS`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `broker ${url} is unreachable: check the network link and firewall`;
    case 'ECONNRESET':
      return `broker ${url} closed the connection`;
    // At CONNECT, "not authorized" (135, 3.1.1: 5) is about who the client is, not what it
    // may publish: mosquitto 2 answers a wrong or missing password with it.
    case 134:
    case 4:
    case 135:
    case 5:
      return explainRefusedCredentials(url, credentials);
    case 1:
    case 132:
      return `broker ${url} does not accept this MQTT version (set broker.protocol to 3.1.1 or auto)`;
    case 133:
    case 2:
      return `broker ${url} rejected the client id`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `broker ${url} presented a certificate this node does not trust (${code}): set broker.tls.ca to the CA that signed it`;
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return `broker ${url} presented a certificate outside its validity (${code}): check the broker certificate, and the gateway clock`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `broker ${url} presented a certificate for another name: use the name in its certificate, or set broker.tls.serverName`;
    default:
      if (/alert (unknown ca|bad certificate|certificate required|certificate unknown)|handshake failure/i.test(error.message)) {
        return `broker ${url} rejected this node's client certificate (${error.message.trim()}): check broker.tls.cert and key`;
      }
      return `broker ${url}: ${error.message}`;
  }
}

function explainRefusedCredentials(url: string, credentials: OfferedCredentials | undefined): string {
  if (!credentials) return `broker ${url} refused this client's credentials: check broker.username and broker.password (a bad password, or none given to a broker that requires one)`;
  const { username, hasPassword } = credentials;
  if (username === undefined) return `broker ${url} requires a username and password, and none is configured: set broker.username and broker.password`;
  if (!hasPassword) return `broker ${url} refused user "${username}", which has no password configured: set broker.password`;
  return `broker ${url} refused the credentials of user "${username}" (unknown user or bad password): check broker.username and broker.password`;
}
