/**
 * `fieldnode tail` on a broker as deployments run one (real mosquitto: no anonymous clients,
 * a password file, an ACL): a config's credentials reach the node's own tree by default; flags
 * reach what a reader account may read; refused credentials are one line of advice, exit 1,
 * in the terms the settings were given in, and never the password.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBinary } from '../support/binaries.js';
import { issue, makeCa } from '../support/certificates.js';
import { RunningCli } from '../support/cli.js';
import type { MosquittoBroker } from '../support/mosquitto.js';
import { startProtectedMosquitto } from '../support/protected-broker.js';
import { simulatedNode, validateSimulated, type SimulatedNode } from '../support/simulated-node.js';

const NODE_PASSWORD = 'pole seven battery staple';
const READER_PASSWORD = 'reader only';

describeWithBinary('openssl', 'openssl', 'fieldnode tail on a protected broker', () => {
  describeWithBinary('mosquitto', 'mosquitto', 'credentials from a config or from flags', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-tail-auth-'));
    let broker: MosquittoBroker;
    let url: string;
    let nodes: SimulatedNode[];

    const node = (id: string) =>
      simulatedNode(
        validateSimulated({
          dataDir: join(directory, id),
          node: { id, site: 'test-site' },
          broker: { url, username: id, password: { env: 'NODE_PASSWORD' }, reconnect: { initialDelayMs: 200, maxDelayMs: 400 } },
          batching: { maxReadings: 4, maxDelayMs: 100 },
          boards: [{ id: 'station', simulator: { device: 'weather-station', intervalMs: 40 }, device: { type: 'lines' }, sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }] }],
        }),
        { environment: { NODE_PASSWORD } },
      );

    const configFile = (name: string, passwordEnv: string) => {
      const path = join(directory, `${name}.yaml`);
      writeFileSync(
        path,
        `node: { id: pole-7, site: test-site }
dataDir: ${join(directory, name)}
broker: { url: "${url}", username: pole-7, password: { env: ${passwordEnv} } }
boards:
  - id: station
    simulator: { device: weather-station }
    device: { type: lines }
    sensors: [{ name: temperature, unit: Cel, key: t }]
`,
      );
      return path;
    };

    beforeAll(async () => {
      const ca = makeCa(directory, 'tail-ca');
      const server = issue(directory, ca, 'server', 'localhost', 'IP:127.0.0.1,DNS:localhost');
      let plainPort: number;
      ({ broker, plainPort } = await startProtectedMosquitto({
        directory,
        ca,
        server,
        users: { 'pole-7': NODE_PASSWORD, 'pole-8': NODE_PASSWORD, reader: READER_PASSWORD },
        acl: 'user reader\ntopic read fieldnode/#\n\npattern readwrite fieldnode/+/%u/#\n',
      }));
      url = `mqtt://127.0.0.1:${plainPort}`;
      nodes = [node('pole-7'), node('pole-8')];
      for (const running of nodes) await running.start();
    });
    afterAll(async () => {
      for (const running of nodes ?? []) await running.stop();
      await broker?.close();
    });

    it("watches the config's own node with the config's credentials", async () => {
      const cli = new RunningCli(['tail', configFile('own', 'TAIL_PASSWORD')], { TAIL_PASSWORD: NODE_PASSWORD });
      await cli.waitForStdout((lines) => lines.filter((line) => / {2}test-site\/pole-7\/station {2}temperature /.test(line)).length >= 3, 15_000);
      expect(await cli.signal('SIGINT')).toBe(0);
      expect(cli.stdoutLines().some((line) => line.includes('pole-8'))).toBe(false);
      expect(cli.stdoutLines()).toEqual(expect.arrayContaining([expect.stringMatching(/ {2}test-site\/pole-7 {2}birth fieldnode /)]));
    });

    it('watches every node with a reader account given by flags, its password from a file', async () => {
      const passwordFile = join(directory, 'reader.password');
      writeFileSync(passwordFile, `${READER_PASSWORD}\n`);
      chmodSync(passwordFile, 0o600);
      const cli = new RunningCli(['tail', '--broker', url, '--username', 'reader', '--password-file', passwordFile, '--json']);
      const nodesSeen = () => new Set(cli.stdoutLines().map((line) => JSON.parse(line) as Record<string, unknown>).filter((event) => event['kind'] === 'reading').map((event) => event['node']));
      await cli.waitForStdout(() => nodesSeen().size === 2, 15_000);
      expect(await cli.signal('SIGINT')).toBe(0);
      expect([...nodesSeen()].sort()).toEqual(['pole-7', 'pole-8']);
    });

    it('refuses a bad password in one line that names the flags to check, exit 1', async () => {
      const cli = new RunningCli(['tail', '--broker', url, '--username', 'reader', '--password-env', 'READER_PASSWORD'], { READER_PASSWORD: 'not it' });
      expect(await cli.exit()).toBe(1);
      expect(cli.stderr).toBe(`fieldnode: broker ${url} refused the credentials of user "reader" (unknown user or bad password): check --username and --password-file (or --password-env)\n`);
      expect(cli.stdout).toBe('');
    });

    it("refuses a config's bad password naming the config's keys, and never shows the password", async () => {
      const cli = new RunningCli(['tail', configFile('refused', 'TAIL_PASSWORD')], { TAIL_PASSWORD: 'not the password' });
      expect(await cli.exit()).toBe(1);
      expect(cli.stderr).toBe(`fieldnode: broker ${url} refused the credentials of user "pole-7" (unknown user or bad password): check broker.username and broker.password\n`);
      expect(cli.stderr).not.toContain('not the password');
    });
  });
});
