/**
 * What a technician reads when a real mosquitto 2 refuses the node's credentials. mosquitto
 * answers a wrong password at CONNECT with "not authorized" (MQTT 5 reason 135, 3.1.1 return
 * code 5), the same words it uses for an ACL refusal of a PUBLISH: the log must tell them apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { isNotAuthorized, MqttUplink } from '../../src/uplink/mqtt-uplink.js';
import type { ProtocolChoice } from '../../src/uplink/protocol.js';
import { describeWithBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import { startMosquitto, type MosquittoBroker } from '../support/mosquitto.js';

describeWithBinary('mosquitto', 'mosquitto', 'credentials refused by mosquitto', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fieldnode-auth-'));
  let broker: MosquittoBroker;

  beforeAll(async () => {
    execFileSync('mosquitto_passwd', ['-b', '-c', join(directory, 'passwd'), 'auth-node', 'right-password']);
    writeFileSync(join(directory, 'acl'), 'pattern readwrite fieldnode/+/%u/#\n');
    broker = await startMosquitto({
      listeners: (port) => [
        'user root',
        'allow_anonymous false',
        `password_file ${join(directory, 'passwd')}`,
        `acl_file ${join(directory, 'acl')}`,
        `listener ${port} 127.0.0.1`,
      ],
    });
  });
  afterAll(() => broker?.close());

  function makeUplink(credentials: { username?: string; password?: string }, protocol: ProtocolChoice = '5') {
    const logger = memoryLogger();
    const uplink = new MqttUplink({
      url: broker.url,
      clientId: `auth-${Math.random().toString(16).slice(2)}`,
      ...credentials,
      keepaliveSeconds: 30,
      protocol,
      will: { topic: 'fieldnode/site/auth-node/status', payload: () => Buffer.from('{}'), delaySeconds: 0 },
      reconnect: { initialDelayMs: 5000, maxDelayMs: 5000 },
      clock: systemClock,
      logger,
    });
    return { uplink, logger };
  }

  /** Connects an uplink, waits for its first error (or connection), and stops it. */
  async function attempt(credentials: { username?: string; password?: string }, protocol: ProtocolChoice = '5') {
    const { uplink, logger } = makeUplink(credentials, protocol);
    await uplink.start();
    const errors = () => logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message);
    await waitUntil(() => errors().length > 0 || uplink.isConnected, 10_000);
    const connected = uplink.isConnected;
    await uplink.stop();
    return { errors: errors(), connected };
  }

  it('names the credentials, not the ACL, when the password is wrong (MQTT 5 reason 135)', async () => {
    const { errors } = await attempt({ username: 'auth-node', password: 'wrong-password' });
    expect(errors).toEqual([`broker ${broker.url} refused the credentials of user "auth-node" (unknown user or bad password): check broker.username and broker.password`]);
    expect(errors.join()).not.toMatch(/ACL/);
  });

  it('says the same over MQTT 3.1.1 (return code 5)', async () => {
    const { errors } = await attempt({ username: 'auth-node', password: 'wrong-password' }, '3.1.1');
    expect(errors).toEqual([`broker ${broker.url} refused the credentials of user "auth-node" (unknown user or bad password): check broker.username and broker.password`]);
  });

  it('says that the broker wants credentials when none are configured', async () => {
    const { errors } = await attempt({});
    expect(errors).toEqual([`broker ${broker.url} requires a username and password, and none is configured: set broker.username and broker.password`]);
  });

  it('says that a password is missing when only a username is configured', async () => {
    const { errors } = await attempt({ username: 'auth-node' });
    expect(errors).toEqual([`broker ${broker.url} refused user "auth-node", which has no password configured: set broker.password`]);
  });

  it('connects with the right password', async () => {
    expect(await attempt({ username: 'auth-node', password: 'right-password' })).toEqual({ errors: [], connected: true });
  });

  it('leaves "not authorized" on a PUBLISH to the publisher, as the ACL refusal it is', async () => {
    const { uplink, logger } = makeUplink({ username: 'auth-node', password: 'right-password' });
    await uplink.start();
    await waitUntil(() => uplink.isConnected, 10_000);
    const refusal = await new Promise<(Error & { code?: string | number }) | undefined>((resolve) =>
      uplink.publish({ topic: 'elsewhere/site/auth-node/data', payload: Buffer.from('x'), contentType: 'text/plain' }, resolve),
    );
    await uplink.stop();
    expect(isNotAuthorized(refusal)).toBe(true);
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
