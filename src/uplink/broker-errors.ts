/**
 * Broker failures in words a technician can act on. MQTT.js reports socket errors by errno
 * and refusals by MQTT 5 reason code (or the 3.1.1 return code); this names the cause.
 */
export function explainBrokerError(error: Error & { code?: string | number }, url: string): string {
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
    case 134:
    case 4:
      return `broker ${url} rejected the username or password`;
    case 135:
    case 5:
      return `broker ${url} refused this client: not authorized (check the ACL for this node's user)`;
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
