import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, runCli } from '../support/cli.js';
import { findBinary } from '../support/binaries.js';
import { waitUntil } from '../support/collector.js';
import { describeNeeding } from '../support/needs.js';
import { createFakeTree, FAKE_USB } from '../ports/fake-tree.js';

/** The CLI on a real terminal: `script` gives it a pty, and what the test writes is typed into it. */
class Terminal {
  private output = '';
  private seen = 0;
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    const command = [process.execPath, resolve(CLI), ...args].map((word) => `'${word}'`).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'dumb' } });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((done) => this.child.on('exit', (code) => done(code)));
  }

  /** Waits for a prompt after the last answer, then types the answer and Enter. */
  async answer(prompt: string | RegExp, text: string): Promise<string> {
    const shown = await this.expect(prompt);
    this.child.stdin!.write(`${text}\r`);
    return shown;
  }

  /** Waits until the output since the last answer matches; returns that output. */
  async expect(prompt: string | RegExp): Promise<string> {
    const matches = () => (typeof prompt === 'string' ? this.output.indexOf(prompt, this.seen) >= 0 : prompt.test(this.output.slice(this.seen)));
    await waitUntil(matches, 15_000, () => `${String(prompt)} on the terminal; it shows:\n${this.output.slice(this.seen)}`);
    const shown = this.output.slice(this.seen);
    this.seen = this.output.length;
    return shown;
  }

  get all(): string {
    return this.output;
  }

  close(): void {
    this.child.stdin!.end();
  }
}

const directory = mkdtempSync(join(tmpdir(), 'init-pty-'));
const tree = createFakeTree();
/** The CH340 Uno clone of the tree, on ttyUSB0. */
const ch340 = FAKE_USB.find((usb) => usb.tty === 'ttyUSB0')!;
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
  tree.remove();
});

describeNeeding(findBinary('script') !== undefined, 'script', 'script is not installed (apt-get install util-linux)', 'fieldnode init at a terminal', () => {
  it('asks one question at a time, re-asks with the reason, offers the detected port, and writes a config that validates', async () => {
    const file = join(directory, 'fieldnode.yaml');
    const passwordFile = join(directory, 'etc', 'password');
    const terminal = new Terminal(['init', file, '--sys-root', tree.sysRoot, '--dev-root', tree.devRoot]);
    try {
      await terminal.answer(/Node id \(in topics and SenML names\)( \[[^\]]+\])?: $/, 'ws-07');
      await terminal.answer('Site (the topic level above the node): ', 'harbour east');
      await terminal.answer(/use 1-64 letters.*\r?\nSite \(the topic level above the node\): $/, 'harbour-east');
      expect(await terminal.answer('Broker URL: ', 'http://broker.example.net')).toContain('mqtts://host:8883 for TLS');
      await terminal.answer(/http:\/\/ is not an MQTT scheme.*\r?\nBroker URL: $/, 'mqtts://127.0.0.1:9');
      await terminal.answer('Broker username (Enter "-" for none) [ws-07]: ', '');
      expect(await terminal.answer('Password from [1]: ', '2')).toContain('2. a file only the node user can read');
      await terminal.answer('Password file [/etc/fieldnode/password]: ', passwordFile);
      await terminal.answer('Password (not shown): ', 'hunter2');
      await terminal.answer('The same again: ', 'hunter2');

      const byId = join(tree.devRoot, 'serial', 'by-id', ch340.byId!);
      const ports = await terminal.answer(/Ports with a device \(numbers or paths, comma-separated\) \[1,3,4,5\]: $/, byId);
      expect(ports).toMatch(new RegExp(`\\d\\. ${byId} \\(${join(tree.devRoot, 'ttyUSB0')}\\): Arduino .*Uno R3`));
      expect(ports).toContain(`${join(tree.devRoot, 'ttyAMA0')}: `);
      const devices = await terminal.answer('Device type [1]: ', 'lines');
      expect(devices).toMatch(/1\. lines: text lines from a sketch/);
      expect(devices).toMatch(/\d+\. sds011: PM2\.5 and PM10 from a Nova SDS011/);
      expect(devices).toMatch(/\d+\. thermometer: an analog temperature sensor/);
      await terminal.answer('Baud rate [9600]: ', '');
      await terminal.answer('Board id (in topics and logs) [lines]: ', 'station');
      await terminal.answer('Which keys (comma-separated): ', 't,h,x');
      await terminal.answer('key t: sensor name [temperature]: ', '');
      await terminal.answer('key t: unit (SenML: Cel, %RH, Pa, mm...; Enter for none) [Cel]: ', '');
      await terminal.answer('key h: sensor name [humidity]: ', '');
      await terminal.answer('key h: unit (SenML: Cel, %RH, Pa, mm...; Enter for none) [%RH]: ', '');
      await terminal.answer('key x: sensor name [x]: ', 'wind_raw');
      await terminal.answer('key x: unit (SenML: Cel, %RH, Pa, mm...; Enter for none): ', '');
      await terminal.answer('Data directory (outbox and boot counter) [/var/lib/fieldnode]: ', join(directory, 'data'));
      await terminal.expect(`wrote ${file} (node ws-07 at harbour-east, 1 board(s), 3 sensor(s))`);
      terminal.close();
      expect(await terminal.exited).toBe(0);
    } finally {
      terminal.close();
    }
    expect(terminal.all).not.toContain('hunter2');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(passwordFile, 'utf8')).toBe('hunter2\n');

    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S+fieldnode\.schema\.json\n/);
    expect(text).toContain('    device: { type: lines, baud: 9600 }\n');
    expect(parse(text)).toMatchObject({
      node: { id: 'ws-07', site: 'harbour-east' },
      broker: { url: 'mqtts://127.0.0.1:9', username: 'ws-07', password: { file: passwordFile } },
      dataDir: join(directory, 'data'),
      boards: [
        {
          id: 'station',
          port: join(tree.devRoot, 'serial', 'by-id', ch340.byId!),
          sensors: [{ name: 'temperature', unit: 'Cel', key: 't' }, { name: 'humidity', unit: '%RH', key: 'h' }, { name: 'wind_raw', key: 'x' }],
        },
      ],
    });
    const validated = await runCli(['validate', file]);
    expect(validated.code, validated.stderr).toBe(0);
  });

  it('takes all of a device\'s fields or a pick of them, and asks for what the device still needs', async () => {
    const file = join(directory, 'ranger.yaml');
    const terminal = new Terminal(['init', file, '--sys-root', tree.sysRoot, '--dev-root', tree.devRoot, '--node-id', 'flood-3', '--site', 'weir', '--broker', 'mqtt://127.0.0.1:9', '--password-env', 'PW', '--yes']);
    try {
      await terminal.answer('Ports with a device', join(tree.devRoot, 'serial', 'by-id', ch340.byId!));
      await terminal.answer('Device type [1]: ', 'maxbotix');
      await terminal.answer('Baud rate [9600]: ', '');
      await terminal.answer('Board id (in topics and logs) [maxbotix]: ', 'river');
      expect(await terminal.answer('Read all 2? (y/n) [y]: ', 'n')).toMatch(/1\. range \(mm\)\r?\n.*2\. level \(m\)/);
      await terminal.answer('Which (numbers or names, comma-separated): ', 'level,3');
      await terminal.answer(/numbers or names from the list\r?\nWhich \(numbers or names, comma-separated\): $/, 'level');
      const problems = await terminal.answer('Device options to add (key=value, comma-separated), or Enter to choose the sensors again: ', 'mountHeightMm=4200');
      expect(problems).toContain('device.mountHeightMm');
      await terminal.answer('Read all 2? (y/n) [y]: ', 'n');
      await terminal.answer('Which (numbers or names, comma-separated): ', '2');
      await terminal.expect(`wrote ${file} (node flood-3 at weir, 1 board(s), 1 sensor(s))`);
      expect(await terminal.exited).toBe(0);
    } finally {
      terminal.close();
    }
    expect(readFileSync(file, 'utf8')).toContain('    device: { type: maxbotix, baud: 9600, mountHeightMm: 4200 }\n    sensors:\n      - { name: level, unit: m, field: level }\n');
    expect((await runCli(['validate', file], { env: { PW: 'x' } })).code).toBe(0);
  });
});
