/** A gateway set up right: every check passes, and the command exits 0, as text and as JSON. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collectChecks } from '../../src/doctor/run.js';
import { describeWithBinary } from '../support/binaries.js';
import { runCli } from '../support/cli.js';
import { simulatedCatalog } from '../support/simulated-node.js';
import { startDoctorBroker, syncedClock, writeDoctorConfig, type DoctorBroker } from './setup.js';

describeWithBinary('openssl', 'openssl', 'fieldnode doctor on a healthy setup', () => {
  describeWithBinary('mosquitto', 'mosquitto', 'mosquitto with TLS, passwords and an ACL', () => {
    let broker: DoctorBroker;
    let config: string;
    beforeAll(async () => {
      broker = await startDoctorBroker();
      config = writeDoctorConfig(broker);
    });
    afterAll(() => broker?.close());

    it('passes every check, in order, with a synchronised clock and a supported Node.js', async () => {
      const results = await collectChecks(config, simulatedCatalog, { clock: syncedClock, nodeVersion: 'v24.1.0' });
      expect(results.filter((result) => result.status !== 'pass')).toEqual([]);
      expect(results.map((result) => result.check)).toEqual([
        'config',
        'credentials',
        'data directory',
        'free space',
        'node lock',
        'outbox',
        'port of station',
        'device lines (station)',
        'broker DNS',
        'broker port',
        'broker certificate chain',
        'broker certificate dates',
        'broker certificate name',
        'broker login',
        'broker publish/subscribe',
        'clock',
        'Node.js',
      ]);
      expect(results.find((result) => result.check === 'broker login')?.detail).toBe('logged in as doc-node with MQTT 5');
      expect(results.find((result) => result.check === 'port of station')?.detail).toBe('simulated (weather-station)');
    });

    it('exits 0 with one line per check and a verdict; warnings (this machine\'s clock and Node.js) do not fail it', async () => {
      const { code, stdout, stderr } = await runCli(['doctor', config]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^pass {2}config: .*fieldnode\.yaml: node doc-node at test-site, 1 board\(s\)$/);
      expect(lines).toContainEqual(expect.stringMatching(/^pass {2}broker publish\/subscribe: published and received back at QoS 1 on fieldnode\/test-site\/doc-node\/doctor\/[0-9a-f]{12}$/));
      expect(lines.filter((line) => line.startsWith('fail'))).toEqual([]);
      expect(lines.at(-1)).toMatch(/^ready: \d+ passed, \d+ warning\(s\), 0 failed$/);
    });

    it('--json prints the report as an array of { check, status, detail, advice? }', async () => {
      const { code, stdout } = await runCli(['doctor', config, '--json']);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as Record<string, unknown>[];
      expect(report.length).toBe(17);
      for (const entry of report) {
        expect(Object.keys(entry).sort()).toEqual(entry['status'] === 'pass' ? ['check', 'detail', 'status'] : ['advice', 'check', 'detail', 'status']);
        expect(['pass', 'warn']).toContain(entry['status']);
      }
      const warned = report.filter((entry) => entry['status'] === 'warn').map((entry) => entry['check']);
      expect(warned.every((check) => check === 'clock' || check === 'Node.js')).toBe(true);
    });
  });
});
