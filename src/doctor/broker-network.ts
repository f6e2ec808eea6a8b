/**
 * Check 5, first half: the way to the broker below MQTT. The host's name resolves, its port
 * accepts a TCP connection, and for TLS the certificate chain is trusted, valid for a while
 * yet, and made out to the name the node connects by. Each says what to change.
 */
import { lookup } from 'node:dns/promises';
import { connect as connectTcp, isIP } from 'node:net';
import { checkServerIdentity, connect as connectTls, type PeerCertificate } from 'node:tls';
import type { TlsMaterial } from '../config/tls-files.js';
import { fail, pass, reasonOf, warn, type CheckResult } from './report.js';

/** How long a TCP connection or TLS handshake may take before the broker counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;
/** A broker certificate that ends sooner than this is renewed now, not on the day it stops the node. */
const EXPIRY_WARNING_MS = 30 * 86_400_000;

/** Where the broker is, read from its URL. */
export interface BrokerEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, tcp: 1883, mqtts: 8883, tls: 8883, ws: 80, wss: 443 };

/** The host, port and whether TLS is spoken, as MQTT.js reads the URL. */
export function brokerEndpoint(url: string): BrokerEndpoint {
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, '');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: parsed.port === '' ? (DEFAULT_PORTS[scheme] ?? 1883) : Number(parsed.port), tls: ['mqtts', 'tls', 'wss'].includes(scheme) };
}

/** The broker's host name resolves (IP literals need no resolving): the results, or a failure. */
export async function checkDns(endpoint: BrokerEndpoint): Promise<CheckResult> {
  const check = 'broker DNS';
  if (isIP(endpoint.host) !== 0) return pass(check, `${endpoint.host} is an IP address`);
  try {
    const addresses = await lookup(endpoint.host, { all: true });
    return pass(check, `${endpoint.host} resolves to ${addresses.map((entry) => entry.address).join(', ')}`);
  } catch (error) {
    return fail(check, `${endpoint.host} cannot be resolved (${reasonOf(error)})`, `check the spelling of the host in broker.url, and the gateway's DNS (cat /etc/resolv.conf; is the cellular link up?)`);
  }
}

/** A TCP connection to the broker's port opens: refused and timed out call for different fixes. */
export function checkTcp(endpoint: BrokerEndpoint, timeoutMs = CONNECT_TIMEOUT_MS): Promise<CheckResult> {
  const check = 'broker port';
  const where = `${endpoint.host} port ${endpoint.port}`;
  return new Promise((resolve) => {
    const socket = connectTcp({ host: endpoint.host, port: endpoint.port });
    const finish = (result: CheckResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(fail(check, `${where} did not answer within ${timeoutMs / 1000} s`, 'a firewall drops the traffic, or the address is wrong: check the broker host, the gateway\'s network and any firewall between them (the broker must allow this port)')),
    );
    socket.once('connect', () => finish(pass(check, `${where} accepts connections`)));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        finish(fail(check, `${where} refused the connection`, `nothing listens there: is the broker running, and is the port right (usually 1883 for mqtt://, 8883 for mqtts://)?`));
      } else {
        finish(fail(check, `${where} is unreachable (${reasonOf(error)})`, 'check the gateway\'s network link and routes, and any firewall between it and the broker'));
      }
    });
  });
}

/** The TLS checks: chain, validity dates and host name, each its own line. */
export async function checkTls(endpoint: BrokerEndpoint, material: TlsMaterial | undefined, now: number, timeoutMs = CONNECT_TIMEOUT_MS): Promise<CheckResult[]> {
  const name = material?.serverName ?? endpoint.host;
  let handshake: { certificate: PeerCertificate; authorizationError?: string };
  try {
    handshake = await peerCertificate(endpoint, material, name, timeoutMs);
  } catch (error) {
    return [fail('broker TLS', `no TLS handshake with ${endpoint.host} port ${endpoint.port} (${reasonOf(error)})`, 'check that this port speaks TLS (mqtts:// usually on 8883, mqtt:// on 1883)')];
  }
  const { certificate, authorizationError } = handshake;
  return [chainResult(authorizationError, material), validityResult(certificate, now), nameResult(name, certificate, material)];
}

/** Verification errors that are not about the chain (Node also checks the host name when given one). */
const REPORTED_ELSEWHERE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function chainResult(authorizationError: string | undefined, material: TlsMaterial | undefined): CheckResult {
  const check = 'broker certificate chain';
  const against = material?.ca ? 'the CA in broker.tls.ca' : 'the system CAs';
  if (material && !material.verifyServer) return warn(check, 'not checked: broker.tls.verifyServer is false', 'anyone on the path can pose as the broker: set broker.tls.ca and remove verifyServer: false');
  // Dates and the name have checks of their own: a trusted chain with a wrong date or name is reported there.
  if (authorizationError === undefined || REPORTED_ELSEWHERE.has(authorizationError)) return pass(check, `trusted by ${against}`);
  return fail(check, `the broker's certificate is not trusted by ${against} (${authorizationError})`, 'set broker.tls.ca to the PEM file of the CA that signed the broker\'s certificate (ask whoever runs the broker)');
}

function validityResult(certificate: PeerCertificate, now: number): CheckResult {
  const check = 'broker certificate dates';
  const notAfter = Date.parse(certificate.valid_to);
  const notBefore = Date.parse(certificate.valid_from);
  const until = `valid until ${new Date(notAfter).toISOString().slice(0, 10)}`;
  if (now > notAfter) return fail(check, `expired on ${new Date(notAfter).toISOString().slice(0, 10)}`, 'the broker\'s certificate must be renewed (by whoever runs the broker); if it is not old, check the gateway clock');
  if (now < notBefore) return fail(check, `not valid before ${new Date(notBefore).toISOString()}`, 'the gateway clock is behind: see the clock check');
  const days = Math.floor((notAfter - now) / 86_400_000);
  if (notAfter - now < EXPIRY_WARNING_MS) return warn(check, `${until}: ${days} day(s) left`, 'have the broker\'s certificate renewed before it expires; the node cannot connect after that day');
  return pass(check, `${until} (${days} days)`);
}

function nameResult(name: string, certificate: PeerCertificate, material: TlsMaterial | undefined): CheckResult {
  const check = 'broker certificate name';
  const listed = certificate.subjectaltname || `CN=${certificate.subject?.CN ?? '?'}`;
  const mismatch = checkServerIdentity(name, certificate);
  if (!mismatch) return pass(check, `made out to ${name}`);
  const how = material?.serverName ? 'broker.tls.serverName' : 'the host in broker.url';
  return fail(check, `made out to ${listed}, not to ${name} (${how})`, 'connect by a name the certificate lists, or set broker.tls.serverName to one of them when the broker is reached by another name (an IP address, a tunnel)');
}

/** The broker's certificate, fetched without trusting it yet, and what Node's verification said of it. */
function peerCertificate(endpoint: BrokerEndpoint, material: TlsMaterial | undefined, name: string, timeoutMs: number): Promise<{ certificate: PeerCertificate; authorizationError?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({
      host: endpoint.host,
      port: endpoint.port,
      // SNI carries names only; an IP address is checked without it.
      ...(isIP(name) === 0 ? { servername: name } : {}),
      ...(material?.ca ? { ca: material.ca } : {}),
      ...(material?.cert ? { cert: material.cert } : {}),
      ...(material?.key ? { key: material.key } : {}),
      rejectUnauthorized: false,
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate();
      const authorizationError = socket.authorizationError === null || socket.authorizationError === undefined ? undefined : String((socket.authorizationError as Error & { code?: string }).code ?? socket.authorizationError);
      socket.destroy();
      resolve({ certificate, ...(authorizationError === undefined ? {} : { authorizationError }) });
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}
