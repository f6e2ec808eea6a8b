/**
 * `fieldnode run --tail` on a broker that refuses anonymous clients: the tail connects as the
 * node does (username, password from a file or the environment, TLS with a client
 * certificate, the configured MQTT version) and reads the node's own tree, which is what the
 * per-node ACL of the README grants. Real mosquitto, real CLI processes.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBinary } from '../support/binaries.js';
import { issue, makeCa, type Issued } from '../support/certificates.js';
import { RunningCli } from '../support/cli.js';
import type { MosquittoBroker } from '../support/mosquitto.js';
import { startProtectedMosquitto } from '../support/protected-broker.js';

const PASSWORD = 'tail horse battery staple';
const reading = /^\d\d:\d\d:\d\d\.\d{3} {2}test-site\/tail-node\/station {2}temperature\s+-?\d+(\.\d+)? Cel$/;

describeWithBinary('openssl', 'openssl', 'the live tail on a protected broker', () => {
  describeWithBinary('mosquitto', 'mosquitto', 'run --tail with the node credentials', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-tail-'));
    const passwordFile = join(directory, 'node.password');
    let broker: MosquittoBroker;
    let plainPort: number;
    let ca: Issued;
    let client: Issued;

    beforeAll(async () => {
      ca = makeCa(directory, 'tail-ca');
      const server = issue(directory, ca, 'server', 'localhost', 'IP:127.0.0.1,DNS:localhost');
      client = issue(directory, ca, 'client', 'tail-node');
      writeFileSync(passwordFile, `${PASSWORD}\n`);
      chmodSync(passwordFile, 0o600);
      ({ broker, plainPort } = await startProtectedMosquitto({ directory, ca, server, users: { 'tail-node': PASSWORD }, acl: '# every node may use its own tree only\npattern readwrite fieldnode/+/%u/#\n' }));
    });
    afterAll(() => broker?.close());

    const configFile = (name: string, broker: string, extra = '') => {
      const path = join(directory, `${name}.yaml`);
      writeFileSync(
        path,
        `node: { id: tail-node, site: test-site }
dataDir: ${join(directory, name)}
broker:
${broker}
  reconnect: { initialDelayMs: 200, maxDelayMs: 400 }
${extra}boards:
  - id: station
    simulator: { device: weather-station, intervalMs: 20 }
    device: { type: lines }
    sensors: [{ name: temperature, unit: Cel, key: t }]
`,
      );
      return path;
    };

    it('prints readings over TLS with a client certificate and a password file', async () => {
      const config = configFile(
        'tls',
        `  url: "mqtts://127.0.0.1:${broker.port}"
  username: tail-node
  password: { file: ${passwordFile} }
  tls: { ca: ${ca.cert}, cert: ${client.cert}, key: ${client.key} }`,
      );
      const run = new RunningCli(['run', config, '--tail', '--log-format', 'json']);
      await run.waitForStdout((lines) => lines.filter((line) => reading.test(line)).length >= 5, 15_000);
      expect(await run.signal('SIGINT')).toBe(0);
      expect(run.stdoutLines().every((line) => reading.test(line))).toBe(true);
      expect(run.stderr).not.toContain('cannot show the tail');
      expect(run.stderr).not.toContain(PASSWORD);
    });

    it('prints readings with a password from the environment, on MQTT 3.1.1 when the config says so', async () => {
      const config = configFile(
        'env',
        `  url: "mqtt://127.0.0.1:${plainPort}"
  username: tail-node
  password: { env: TAIL_NODE_PASSWORD }
  protocol: "3.1.1"`,
      );
      const run = new RunningCli(['run', config, '--tail', '--log-format', 'json'], { TAIL_NODE_PASSWORD: PASSWORD });
      await run.waitForStdout((lines) => lines.filter((line) => reading.test(line)).length >= 5, 15_000);
      expect(await run.signal('SIGINT')).toBe(0);
      expect(run.stderr).toContain('"mqtt":"3.1.1"');
      expect(run.stderr).not.toContain('cannot show the tail');
    });
    it('explains a refused password in the tail as a credentials problem, naming the user', async () => {
      const config = configFile(
        'refused',
        `  url: "mqtt://127.0.0.1:${plainPort}"
  username: tail-node
  password: { env: TAIL_NODE_PASSWORD }`,
      );
      const run = new RunningCli(['run', config, '--tail', '--log-format', 'json'], { TAIL_NODE_PASSWORD: 'not the password' });
      await run.waitForStderr(/cannot show the tail: broker \S+ refused the credentials of user \\"tail-node\\"/, 15_000);
      expect(await run.signal('SIGINT')).toBe(0);
      expect(run.stderr).not.toContain('not the password');
      expect(run.stderr).not.toMatch(/ACL/);
    });
  });
});
