/**
 * TLS with a CA and client certificates made here with openssl, passwords and a mosquitto
 * ACL that confines each node to its own topic tree (the pattern documented in the README).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FieldnodeConsumer, type ConsumedPack } from '../../src/consumer/consumer.js';
import { outboxPath } from '../../src/node.js';
import { openSqliteOutbox } from '../../src/outbox/sqlite-outbox.js';
import { describeWithBinary } from '../support/binaries.js';
import { issue, makeCa, type Issued } from '../support/certificates.js';
import { waitUntil } from '../support/collector.js';
import { memoryLogger } from '../support/memory-logger.js';
import type { MosquittoBroker } from '../support/mosquitto.js';
import { startProtectedMosquitto } from '../support/protected-broker.js';
import { simulatedNode } from '../support/simulated-node.js';
import { weatherStationConfig } from './support.js';

const PASSWORD = 'correct horse battery staple';

describeWithBinary('openssl', 'openssl', 'broker security', () => {
  describeWithBinary('mosquitto', 'mosquitto', 'TLS, passwords and ACLs on mosquitto', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-tls-'));
    let broker: MosquittoBroker;
    let plainPort: number;
    let ca: Issued;
    let client: Issued;
    let rogueCa: Issued;
    let rogueClient: Issued;
    const passwordFile = join(directory, 'node.password');

    beforeAll(async () => {
      ca = makeCa(directory, 'test-ca');
      rogueCa = makeCa(directory, 'rogue-ca');
      const server = issue(directory, ca, 'server', 'localhost', 'IP:127.0.0.1,DNS:localhost');
      client = issue(directory, ca, 'client', 'tls-node');
      rogueClient = issue(directory, rogueCa, 'rogue-client', 'tls-node');
      writeFileSync(passwordFile, `${PASSWORD}\n`);
      chmodSync(passwordFile, 0o600);
      ({ broker, plainPort } = await startProtectedMosquitto({ directory, ca, server, users: { 'tls-node': PASSWORD, reader: 'reader-password' }, acl: 'user reader\ntopic read fieldnode/#\n\n# every node may use its own tree only\npattern readwrite fieldnode/+/%u/#\n' }));
    });
    afterAll(() => broker?.close());

    const tlsNode = (tls: Record<string, unknown>, extra: { password?: string; prefix?: string } = {}) => {
      const logger = memoryLogger();
      const environment = { TLS_NODE_PASSWORD: extra.password ?? PASSWORD };
      const node = simulatedNode(
        weatherStationConfig({
          brokerUrl: `mqtts://127.0.0.1:${broker.port}`,
          nodeId: 'tls-node',
          board: { simulator: { device: 'weather-station', intervalMs: 20 } },
          broker: {
            username: 'tls-node',
            password: extra.password ? { env: 'TLS_NODE_PASSWORD' } : { file: passwordFile },
            tls,
            ...(extra.prefix ? { topicPrefix: extra.prefix } : {}),
            reconnect: { initialDelayMs: 200, maxDelayMs: 400 },
          },
        }),
        { logger, environment },
      );
      return { node, logger };
    };
    const errors = (logger: ReturnType<typeof memoryLogger>) => logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message);

    it('publishes over TLS with a client certificate and a password file, and never logs the password', async () => {
      const packs: ConsumedPack[] = [];
      const consumer = await FieldnodeConsumer.connect(`mqtt://127.0.0.1:${plainPort}`, { username: 'reader', password: 'reader-password', onPack: (pack) => packs.push(pack) });
      const { node, logger } = tlsNode({ ca: ca.cert, cert: client.cert, key: client.key });
      await node.start();
      await waitUntil(() => packs.length >= 2, 15_000, () => `packs; errors: ${errors(logger).join('; ')}`);
      await node.stop();
      await consumer.close();
      expect(packs[0]).toMatchObject({ site: 'test-site', node: 'tls-node', board: 'station' });
      expect(JSON.stringify(logger.entries)).not.toContain(PASSWORD);
    });

    it('explains a broker certificate it does not trust, and keeps running', async () => {
      const { node, logger } = tlsNode({ ca: rogueCa.cert, cert: client.cert, key: client.key });
      await node.start();
      await waitUntil(() => errors(logger).length > 0);
      expect(errors(logger)[0]).toMatch(/presented a certificate this node does not trust \(SELF_SIGNED_CERT_IN_CHAIN\): set broker.tls.ca/);
      expect(node.uplink?.isConnected).toBe(false);
      await node.stop();
    });

    it('explains a client certificate the broker rejects', async () => {
      const { node, logger } = tlsNode({ ca: ca.cert, cert: rogueClient.cert, key: rogueClient.key });
      await node.start();
      await waitUntil(() => errors(logger).length > 0);
      expect(errors(logger)[0]).toMatch(/rejected this node's client certificate/);
      await node.stop();
    });

    it('explains a wrong password, retries with backoff, and does not crash', async () => {
      const { node, logger } = tlsNode({ ca: ca.cert, cert: client.cert, key: client.key }, { password: 'wrong' });
      await node.start();
      await waitUntil(() => errors(logger).length > 0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(errors(logger)).toEqual([expect.stringMatching(/refused the credentials of user "tls-node" \(unknown user or bad password\)/)]);
      expect(JSON.stringify(logger.entries)).not.toContain('wrong');
      await node.stop();
    });

    it('observes the ACL denying topics outside the node tree: counted, explained, not resent', async () => {
      const { node, logger } = tlsNode({ ca: ca.cert, cert: client.cert, key: client.key }, { prefix: 'elsewhere' });
      await node.start();
      await waitUntil(() => node.stats().forwarder.dropped.denied.packs >= 2, 15_000, () => `denials; log: ${JSON.stringify(logger.entries.slice(-3))}`);
      const warnings = logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message);
      expect(warnings).toContain('the broker refused publishing to elsewhere/test-site/tls-node/station/data (not authorized): check its ACL for this node');
      await node.stop();
      const stats = node.stats().forwarder;
      expect(stats.readingsAcked).toBe(0);
      // Each pack is denied once and dropped, not resent in a loop; what was not sent by the stop is still on disk.
      const left = openSqliteOutbox(outboxPath(node.config), { maxBytes: 1e9, maxAgeMs: 1e9, overflow: 'drop-oldest' });
      expect(stats.dropped.denied.packs + left.totals().packs).toBe(stats.packsSubmitted);
      left.close();
    });

    it('refuses a key file that other users can read', async () => {
      const loose = join(directory, 'loose.key');
      writeFileSync(loose, 'not really a key');
      chmodSync(loose, 0o644);
      const { node } = tlsNode({ ca: ca.cert, cert: client.cert, key: loose });
      await expect(node.start()).rejects.toThrow(`credential file ${loose} can be read by other users (mode 644): chmod 600 ${loose}`);
    });
  });
});
