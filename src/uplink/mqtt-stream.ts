/**
 * MQTT clients over TCP and TLS with the byte stream built here, not by MQTT.js's connect().
 * At its first connection, connect() loads its WebSocket and SOCKS transports (ws, socks and
 * their dependencies) whatever the URL: 1.6 MB of heap and about 4 MB of RSS that a node
 * publishing to mqtt:// or mqtts:// never uses, on a gateway with 512 MB. MqttClient takes a
 * stream builder for this; the builders below do what MQTT.js's tcp and tls ones do. A
 * WebSocket URL, a URL with more than a host and port, and a SOCKS proxy (MQTT.js reads one
 * from MQTTJS_SOCKS_PROXY) still go through connect().
 */
import { createConnection, isIP } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import type { IClientOptions, MqttClient } from 'mqtt';
import { loadMqtt } from './load-mqtt.js';

/** Where a TCP broker is, and whether it speaks TLS. */
export interface TcpBroker {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
}

const PLAIN_SCHEMES = new Set(['mqtt', 'tcp']);
const SECURE_SCHEMES = new Set(['mqtts', 'tls']);

/**
 * The broker of an mqtt://, tcp://, mqtts:// or tls:// URL; undefined for any other URL, and
 * for one with a user, path or query, which MQTT.js's connect() interprets.
 */
export function tcpBroker(url: string, options: Pick<IClientOptions, 'cert' | 'key'> = {}): TcpBroker | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (!PLAIN_SCHEMES.has(scheme) && !SECURE_SCHEMES.has(scheme)) return undefined;
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || !['', '/'].includes(parsed.pathname)) return undefined;
  // As MQTT.js's connect() does: a client certificate makes a plain URL a TLS one.
  const secure = SECURE_SCHEMES.has(scheme) || (options.cert !== undefined && options.key !== undefined);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = parsed.port === '' ? (secure ? 8883 : 1883) : Number(parsed.port);
  return { host, port, secure };
}

/** An MQTT client for `url`, connecting at once, as MQTT.js's connect() returns it. */
export function connectMqtt(url: string, options: IClientOptions): MqttClient {
  const mqtt = loadMqtt();
  const proxied = options.socksProxy !== undefined || process.env['MQTTJS_SOCKS_PROXY'] !== undefined;
  const broker = proxied ? undefined : tcpBroker(url, options);
  if (!broker) return mqtt.connect(url, options);
  const { host, port, secure } = broker;
  const settings: IClientOptions = { ...options, protocol: secure ? 'mqtts' : 'mqtt', host, hostname: host, port };
  const client = new mqtt.MqttClient((self) => (secure ? tlsStream(self, settings, host, port) : createConnection({ host, port })), settings);
  // connect() adds the same: an 'error' event without a listener would throw. The callers add theirs.
  client.on('error', () => {});
  return client;
}

/**
 * connectMqtt, resolved once the broker accepts the connection, as MQTT.js's connectAsync: an
 * error before that (refused, unreachable, a TLS failure) ends the client and rejects, and a
 * client ended meanwhile resolves as it is.
 */
export function connectMqttAsync(url: string, options: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connectMqtt(url, options);
    const settle = () => {
      client.off('connect', onConnect);
      client.off('end', onConnect);
      client.off('error', onError);
    };
    const onConnect = () => {
      settle();
      resolve(client);
    };
    const onError = (error: Error) => {
      settle();
      client.end();
      reject(error);
    };
    client.on('connect', onConnect);
    client.on('end', onConnect);
    client.on('error', onError);
  });
}

/**
 * A TLS socket as MQTT.js's tls builder makes it: the host as SNI name unless it is an
 * address, the certificate checked unless `rejectUnauthorized: false`, and a TLS failure
 * (an untrusted certificate, a handshake refused) reported as the client's error.
 */
function tlsStream(client: MqttClient, settings: IClientOptions, host: string, port: number) {
  const rejectUnauthorized = settings.rejectUnauthorized !== false;
  const servername = settings.servername ?? (isIP(host) === 0 ? host : undefined);
  const socket = connectTls({ ...(settings as ConnectionOptions), host, port, rejectUnauthorized, ...(servername === undefined ? {} : { servername }) });
  const failed = (error: Error) => {
    if (rejectUnauthorized) client.emit('error', error);
    socket.end();
  };
  socket.on('secureConnect', () => {
    if (rejectUnauthorized && !socket.authorized) socket.emit('error', new Error('TLS not authorized'));
    else socket.removeListener('error', failed);
  });
  socket.on('error', failed);
  return socket;
}
