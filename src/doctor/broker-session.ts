/**
 * Check 5, second half: MQTT itself, through the node's own uplink code and credentials. A
 * login, then a message published and received back inside the node's own topic tree (QoS
 * 1, not retained), so an ACL that keeps the node out of its tree shows before the node runs.
 * MQTT 5 says so in the PUBACK; mosquitto drops a forbidden 3.1.1 publish without a word,
 * which only the missing echo reveals.
 */
import { randomBytes } from 'node:crypto';
import type { NodeConfig } from '../config/schema.js';
import type { BrokerCredentials } from '../config/credentials.js';
import { systemClock } from '../core/clock.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { isNotAuthorized, MqttUplink, type PublishDone } from '../uplink/mqtt-uplink.js';
import { nodeTree } from '../uplink/topics.js';
import { fail, pass, type CheckResult } from './report.js';

/** How long the login, and then the echo of the test message, may take. */
export const MQTT_TIMEOUT_MS = 10_000;
export const ECHO_TIMEOUT_MS = 3000;

/** Logs in with the node's credentials and sends one message around its own tree. */
export async function checkMqtt(config: NodeConfig, credentials: BrokerCredentials, timeouts = { loginMs: MQTT_TIMEOUT_MS, echoMs: ECHO_TIMEOUT_MS }): Promise<CheckResult[]> {
  const { broker } = config;
  const topic = `${nodeTree({ prefix: broker.topicPrefix, site: config.node.site, node: config.node.id })}doctor/${randomBytes(6).toString('hex')}`;
  const errors: string[] = [];
  const uplink = new MqttUplink({
    url: broker.url,
    // Its own client id: the node's would push a running node off the broker.
    clientId: `${broker.clientId ?? `fieldnode-${config.node.id}`}-doctor`,
    username: broker.username,
    password: credentials.password,
    keepaliveSeconds: broker.keepaliveSeconds,
    protocol: broker.protocol,
    tls: credentials.tls,
    // The will must not touch the node's status: an empty retained message on the test topic leaves nothing behind.
    will: { topic, payload: () => Buffer.alloc(0), delaySeconds: 0 },
    // One attempt (and a protocol fallback, which retries at once): a failure is the answer.
    reconnect: { initialDelayMs: 600_000, maxDelayMs: 600_000, minDelayMs: 600_000 },
    clock: systemClock,
    logger: errorCollector(errors),
  });
  try {
    const login = await loginResult(uplink, errors, broker.username, timeouts.loginMs);
    if (login.status !== 'pass') return [login];
    return [login, await echoResult(uplink, topic, broker.username, timeouts.echoMs)];
  } finally {
    await uplink.stop();
  }
}

async function loginResult(uplink: MqttUplink, errors: string[], username: string | undefined, timeoutMs: number): Promise<CheckResult> {
  const check = 'broker login';
  let settle: (ok: boolean) => void = () => undefined;
  const connected = new Promise<boolean>((resolve) => (settle = resolve));
  const stopListening = uplink.onConnect(() => settle(true));
  // The uplink reports a refusal through its log only: watch for it.
  const poll = setInterval(() => errors.length > 0 && settle(false), 20);
  const timer = setTimeout(() => settle(false), timeoutMs);
  await uplink.start();
  const ok = await connected;
  stopListening();
  clearInterval(poll);
  clearTimeout(timer);
  const who = username === undefined ? 'without a username' : `as ${username}`;
  if (ok) return pass(check, `logged in ${who} with MQTT ${uplink.mqttVersion === 5 ? '5' : '3.1.1'}`);
  if (errors.length === 0) return fail(check, `no answer to the MQTT login within ${timeoutMs / 1000} s`, 'check that broker.url names an MQTT port (a web server or another service may be listening there)');
  const explained = errors[0]!;
  return fail(check, explained, loginAdvice(explained));
}

/** What to do, from the explanation the uplink gave (explainBrokerError). */
function loginAdvice(explained: string): string {
  if (/credentials|password|username/.test(explained)) return 'set broker.username and broker.password to an account in the broker\'s password file (mosquitto: mosquitto_passwd); a password file holds the password alone, on one line';
  if (/client certificate/.test(explained)) return 'the broker requires a client certificate signed by its CA: set broker.tls.cert and broker.tls.key';
  if (/not authorized|client id/.test(explained)) return 'the broker refuses this client: check its ACL and client-id rules for this node';
  return 'see the checks above; the broker\'s own log says more';
}

async function echoResult(uplink: MqttUplink, topic: string, username: string | undefined, timeoutMs: number): Promise<CheckResult> {
  const check = 'broker publish/subscribe';
  const tree = topic.replace(/doctor\/[0-9a-f]+$/, '#');
  const aclAdvice = `give ${username === undefined ? 'this client' : `user ${username}`} readwrite on ${tree} in the broker's ACL (mosquitto: pattern readwrite ${tree.split('/')[0]}/+/%u/# when users are named after their nodes)`;
  const token = randomBytes(8);
  const echoed = new Promise<boolean>((resolve) => {
    uplink.subscribe(topic, (message) => {
      if (message.payload.equals(token)) resolve(true);
    });
    setTimeout(() => resolve(false), timeoutMs).unref();
  });
  const acknowledged = await new Promise<Parameters<PublishDone>[0]>((resolve) => uplink.publish({ topic, payload: token, contentType: 'application/octet-stream', retain: false }, resolve));
  if (isNotAuthorized(acknowledged)) return fail(check, `the broker refused publishing to ${topic} (not authorized)`, aclAdvice);
  if (acknowledged) return fail(check, `publishing to ${topic} failed: ${acknowledged.message}`, 'see the broker\'s log');
  if (await echoed) return pass(check, `published and received back at QoS 1 on ${topic}`);
  const why =
    uplink.mqttVersion === 5
      ? 'the broker accepted the message but did not deliver it back: the ACL lets the node write its tree but not read it (commands reach the node there)'
      : 'the broker did not deliver the message back: with MQTT 3.1.1 a broker drops a publish its ACL forbids without saying so';
  return fail(check, `nothing came back on ${topic} within ${timeoutMs / 1000} s: ${why}`, aclAdvice);
}

/** A logger that keeps the uplink's explained errors, the way it reports a refused login. */
function errorCollector(errors: string[]): Logger {
  const logger: Logger = {
    ...silentLogger,
    error(_fields, message) {
      errors.push(message);
    },
    child: () => logger,
  };
  return logger;
}
