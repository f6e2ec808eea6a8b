/**
 * One test per broker check that fails, each with the advice a technician acts on: the name,
 * the port, the TLS chain, dates and name, the login and the ACL of the node's own tree.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/report.js';
import { collectChecks } from '../../src/doctor/run.js';
import { describeWithBinary } from '../support/binaries.js';
import { makeCa } from '../support/certificates.js';
import { freePort } from '../support/free-port.js';
import { simulatedCatalog } from '../support/simulated-node.js';
import { startDoctorBroker, syncedClock, writeDoctorConfig, type DoctorBroker } from './setup.js';

/** The broker checks of a run, by name; the ones after the first failure are not there. */
async function brokerChecks(config: string): Promise<Record<string, CheckResult>> {
  const results = await collectChecks(config, simulatedCatalog, { clock: syncedClock, nodeVersion: 'v24.1.0' });
  return Object.fromEntries(results.filter((result) => result.check.startsWith('broker')).map((result) => [result.check, result]));
}

describeWithBinary('openssl', 'openssl', 'fieldnode doctor: broker faults', () => {
  describeWithBinary('mosquitto', 'mosquitto', 'on mosquitto with TLS, passwords and an ACL', () => {
    let broker: DoctorBroker;
    beforeAll(async () => {
      broker = await startDoctorBroker();
    });
    afterAll(() => broker?.close());

    it('a wrong password: the login fails, naming the user, and says where the password goes', async () => {
      const wrong = join(broker.directory, 'wrong.password');
      writeFileSync(wrong, 'not the password\n');
      chmodSync(wrong, 0o600);
      const checks = await brokerChecks(writeDoctorConfig(broker, { broker: { password: { file: wrong } } }));
      expect(checks['broker login']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/refused the credentials of user "doc-node" \(unknown user or bad password\)/) });
      expect(checks['broker login']!.advice).toMatch(/broker\.username and broker\.password .*mosquitto_passwd/);
      expect(checks['broker publish/subscribe']).toBeUndefined();
    });

    it('an ACL that keeps the node out of its tree: MQTT 5 says so in the PUBACK', async () => {
      const checks = await brokerChecks(writeDoctorConfig(broker, { broker: { topicPrefix: 'elsewhere' } }));
      expect(checks['broker login']?.status).toBe('pass');
      expect(checks['broker publish/subscribe']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^the broker refused publishing to elsewhere\/test-site\/doc-node\/doctor\/[0-9a-f]+ \(not authorized\)$/) });
      expect(checks['broker publish/subscribe']!.advice).toBe("give user doc-node readwrite on elsewhere/test-site/doc-node/# in the broker's ACL (mosquitto: pattern readwrite elsewhere/+/%u/# when users are named after their nodes)");
    });

    it('an ACL that keeps the node out of its tree: over MQTT 3.1.1 mosquitto drops the message silently, and the missing echo shows it', async () => {
      const checks = await brokerChecks(writeDoctorConfig(broker, { broker: { topicPrefix: 'elsewhere', protocol: '3.1.1' } }));
      expect(checks['broker login']).toMatchObject({ status: 'pass', detail: 'logged in as doc-node with MQTT 3.1.1' });
      expect(checks['broker publish/subscribe']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/nothing came back .* within 3 s: .*drops a publish its ACL forbids/) });
      expect(checks['broker publish/subscribe']!.advice).toMatch(/readwrite on elsewhere\/test-site\/doc-node\/#/);
    });

    it('a CA that did not sign the broker certificate: the chain fails and points at broker.tls.ca; the login is not tried', async () => {
      const rogue = makeCa(broker.directory, 'rogue-ca');
      const checks = await brokerChecks(writeDoctorConfig(broker, { tls: { ca: rogue.cert } }));
      expect(checks['broker certificate chain']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not trusted by the CA in broker\.tls\.ca/) });
      expect(checks['broker certificate chain']!.advice).toMatch(/set broker\.tls\.ca to the PEM file of the CA that signed/);
      expect(checks['broker login']).toBeUndefined();
    });

    it('a host name the certificate is not made out to: the advice names broker.tls.serverName', async () => {
      const checks = await brokerChecks(writeDoctorConfig(broker, { tls: { serverName: 'gateway.example' } }));
      expect(checks['broker certificate chain']?.status).toBe('pass');
      expect(checks['broker certificate name']).toMatchObject({ status: 'fail', detail: 'made out to IP Address:127.0.0.1, DNS:localhost, not to gateway.example (broker.tls.serverName)' });
      expect(checks['broker certificate name']!.advice).toMatch(/set broker\.tls\.serverName to one of them/);
    });

    it('a broker that is down: the port is refused, with the advice to check it runs and the port', async () => {
      const port = await freePort();
      const checks = await brokerChecks(writeDoctorConfig(broker, { broker: { url: `mqtt://127.0.0.1:${port}` } }));
      expect(checks['broker port']).toMatchObject({ status: 'fail', detail: `127.0.0.1 port ${port} refused the connection` });
      expect(checks['broker port']!.advice).toMatch(/is the broker running, and is the port right/);
      expect(checks['broker login']).toBeUndefined();
    });

    it('a host that does not resolve: DNS fails, with the advice to check the name and the gateway DNS', async () => {
      const checks = await brokerChecks(writeDoctorConfig(broker, { broker: { url: 'mqtt://broker.invalid:1883' } }));
      expect(checks['broker DNS']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^broker\.invalid cannot be resolved \((ENOTFOUND|EAI_AGAIN)\)$/) });
      expect(checks['broker DNS']!.advice).toMatch(/spelling of the host in broker\.url, and the gateway's DNS/);
      expect(checks['broker port']).toBeUndefined();
    });
  });

  describeWithBinary('mosquitto', 'mosquitto', 'on mosquitto with an expired certificate', () => {
    let broker: DoctorBroker;
    beforeAll(async () => {
      broker = await startDoctorBroker({ serverDays: -1 });
    });
    afterAll(() => broker?.close());

    it('an expired broker certificate fails its dates check, and says to renew it or check the clock', async () => {
      const checks = await brokerChecks(writeDoctorConfig(broker));
      expect(checks['broker certificate chain']?.status).toBe('pass');
      expect(checks['broker certificate dates']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^expired on \d{4}-\d\d-\d\d$/) });
      expect(checks['broker certificate dates']!.advice).toMatch(/must be renewed .*check the gateway clock/);
      expect(checks['broker login']).toBeUndefined();
    });
  });
});
