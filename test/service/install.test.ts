import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { installService, type InstallOptions, type ServiceHost } from '../../src/service/install.js';
import { uninstallService } from '../../src/service/uninstall.js';
import { runCli } from '../support/cli.js';
import { simulatedCatalog } from '../support/simulated-node.js';

let directory: string;
let unitDir: string;
let etcDir: string;
let configFile: string;

/** A config whose broker password comes from the environment, as the README recommends. */
function writeConfig(path: string, dataDir = '/var/lib/fieldnode', extra = ''): string {
  writeFileSync(
    path,
    `node: { id: ws-01, site: harbour-east }
broker: { url: "mqtt://broker.example.net:1883", username: ws-01, password: { env: FIELDNODE_BROKER_PASSWORD } }
dataDir: ${dataDir}
boards:
  - id: station
    simulator: { device: weather-station }
    device: { type: lines }
    sensors:
      - { name: temperature, unit: Cel, key: t${extra} }
`,
  );
  return path;
}

/** A host that records commands instead of running them; its accounts are whatever the test says. */
function recordingHost(options: { uid?: number; users?: Record<string, number>; groups?: string[] } = {}) {
  const commands: string[] = [];
  const said: string[] = [];
  const host: ServiceHost = {
    uid: options.uid ?? 0,
    run: (argv) => {
      commands.push(argv.join(' '));
      return { status: 0, output: '' };
    },
    accounts: { userId: (name) => options.users?.[name], groupExists: (name) => (options.groups ?? ['dialout', 'i2c']).includes(name) },
    nodeBinary: '/usr/bin/node',
    cliScript: '/opt/fieldnode/dist/bin/fieldnode.js',
    say: (line) => said.push(line),
  };
  return { host, commands, said };
}

function options(overrides: Partial<InstallOptions> = {}): InstallOptions {
  return { configFile, user: 'fieldnode', name: 'fieldnode', dryRun: false, force: false, unitDir, etcDir, ...overrides };
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'fieldnode-service-'));
  unitDir = join(directory, 'units');
  etcDir = join(directory, 'etc');
  mkdirSync(unitDir);
  configFile = writeConfig(join(directory, 'ws-01.yaml'));
});

describe('install-service', () => {
  it('creates the user, writes the environment file (600) and the unit, then reloads systemd and enables the node', async () => {
    const { host, commands, said } = recordingHost();
    await installService(options(), host, simulatedCatalog);

    expect(commands).toEqual([
      'useradd --system --no-create-home --home-dir /var/lib/fieldnode --shell /usr/sbin/nologin --user-group --groups dialout,i2c fieldnode',
      'systemctl daemon-reload',
      // The password is not filled in yet: enabled, not started, and the technician is told why.
      'systemctl enable fieldnode',
    ]);
    const environmentFile = join(etcDir, 'fieldnode.env');
    expect(statSync(environmentFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(environmentFile, 'utf8')).toMatch(/^# .*\nFIELDNODE_BROKER_PASSWORD=\n$/s);
    const unit = readFileSync(join(unitDir, 'fieldnode.service'), 'utf8');
    expect(unit).toContain(`EnvironmentFile=${environmentFile}\n`);
    expect(unit).toContain(`ExecStart=/usr/bin/node --max-semi-space-size=2 --max-old-space-size=128 --v8-pool-size=1 /opt/fieldnode/dist/bin/fieldnode.js run ${configFile} --log-format json\n`);
    expect(unit).toContain('SupplementaryGroups=dialout i2c\n');
    expect(said).toContain(`write the broker password after FIELDNODE_BROKER_PASSWORD= in ${environmentFile}, then start the node: sudo systemctl start fieldnode`);
    expect(said).toContain('follow its logs: journalctl -u fieldnode -f');
  });

  it('starts the node at once (enable --now) when the user exists and the password is filled in', async () => {
    mkdirSync(etcDir);
    writeFileSync(join(etcDir, 'gw.env'), 'FIELDNODE_BROKER_PASSWORD="s3cret"\n', { mode: 0o600 });
    const { host, commands } = recordingHost({ users: { fieldnode: 998 } });
    await installService(options({ name: 'gw' }), host, simulatedCatalog);
    expect(commands).toEqual(['systemctl daemon-reload', 'systemctl enable --now gw']);
    expect(readFileSync(join(etcDir, 'gw.env'), 'utf8')).toBe('FIELDNODE_BROKER_PASSWORD="s3cret"\n');
  });

  it('makes a dataDir outside the state directory writable, and says how to use the state directory', async () => {
    const dataDir = join(directory, 'data');
    // An outbox an earlier run as root left behind.
    mkdirSync(join(dataDir, 'ws-01'), { recursive: true });
    configFile = writeConfig(join(directory, 'elsewhere.yaml'), dataDir);
    const { host, commands, said } = recordingHost({ users: { fieldnode: 998 } });
    await installService(options(), host, simulatedCatalog);
    expect(commands.slice(0, 2)).toEqual([`install -d -o fieldnode -g fieldnode -m 750 ${dataDir}`, `chown -R fieldnode:fieldnode ${join(dataDir, 'ws-01')}`]);
    expect(readFileSync(join(unitDir, 'fieldnode.service'), 'utf8')).toContain(`ReadWritePaths=${dataDir}\n`);
    expect(said.find((line) => line.startsWith('warning: dataDir'))).toContain(`set \`dataDir: /var/lib/fieldnode\` in ${configFile}`);
  });

  it('keeps /home read-only instead of hidden when fieldnode lives there, and says what that costs', async () => {
    const { host, said } = recordingHost({ users: { fieldnode: 998 } });
    await installService(options(), { ...host, cliScript: '/home/pi/fieldnode/dist/bin/fieldnode.js' }, simulatedCatalog);
    const unit = readFileSync(join(unitDir, 'fieldnode.service'), 'utf8');
    expect(unit).toContain('ProtectHome=read-only\n');
    expect(unit).not.toContain('ProtectHome=yes');
    expect(said.find((line) => line.includes('under a home directory'))).toMatch(/^warning: \/home\/pi\/fieldnode\/dist\/bin\/fieldnode\.js is under a home directory: .*fieldnode must be able to read it/);
  });

  it('names the command that failed and how to finish once it is fixed', async () => {
    const { host } = recordingHost({ users: { fieldnode: 998 } });
    const failing: ServiceHost = { ...host, run: (argv) => (argv[1] === 'daemon-reload' ? { status: 1, output: 'System has not been booted with systemd as init system (PID 1).' } : host.run(argv)) };
    await expect(installService(options(), failing, simulatedCatalog)).rejects.toThrow(
      `\`systemctl daemon-reload\` failed (exit status 1): System has not been booted with systemd as init system (PID 1).; once that is fixed: sudo fieldnode install-service ${configFile} --force`,
    );
  });

  it('validates the config first: problems are a ConfigError (exit 78) and nothing is written or run', async () => {
    configFile = writeConfig(join(directory, 'bad.yaml'), '/var/lib/fieldnode', ', kee: x');
    const { host, commands } = recordingHost();
    await expect(installService(options(), host, simulatedCatalog)).rejects.toBeInstanceOf(ConfigError);
    expect(commands).toEqual([]);
    expect(readdirSync(unitDir)).toEqual([]);
  });

  it('refuses to replace an existing unit without --force', async () => {
    writeFileSync(join(unitDir, 'fieldnode.service'), '# the old one\n');
    const { host, commands } = recordingHost();
    await expect(installService(options(), host, simulatedCatalog)).rejects.toThrow(/fieldnode\.service exists already: --force replaces it/);
    expect(commands).toEqual([]);
    expect(readFileSync(join(unitDir, 'fieldnode.service'), 'utf8')).toBe('# the old one\n');
    await installService(options({ force: true }), host, simulatedCatalog);
    expect(readFileSync(join(unitDir, 'fieldnode.service'), 'utf8')).toContain('Type=notify\n');
  });

  it('tells a user who is not root to use sudo, and changes nothing', async () => {
    const { host, commands } = recordingHost({ uid: 1000 });
    await expect(installService(options(), host, simulatedCatalog)).rejects.toThrow(`install-service creates a user and writes to ${unitDir}, which needs root: sudo fieldnode install-service ${configFile}`);
    expect(commands).toEqual([]);
    expect(existsSync(etcDir)).toBe(false);
  });

  it('--dry-run (without root) prints every file in full and every command, and changes nothing', async () => {
    const result = await runCli(['install-service', configFile, '--dry-run', '--unit-dir', unitDir, '--env-dir', etcDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('dry run: nothing is written and nothing is run; a real run would:');
    // Whether useradd is among them depends on this machine's accounts: the real ones are read.
    const steps = lines.filter((line) => /^(run: |write \S+ \(mode|create directory )/.test(line) && !line.startsWith('run: useradd')).map((line) => line.replace(/ \(mode.*/, ''));
    expect(steps).toEqual([`create directory ${etcDir}`, `write ${join(etcDir, 'fieldnode.env')}`, `write ${join(unitDir, 'fieldnode.service')}`, 'run: systemctl daemon-reload', 'run: systemctl enable fieldnode']);
    expect(result.stdout).toContain('    WatchdogSec=30\n    \n    # Hardening');
    expect(result.stdout).toContain('    FIELDNODE_BROKER_PASSWORD=\n');
    expect(readdirSync(unitDir)).toEqual([]);
    expect(existsSync(etcDir)).toBe(false);
  });

  it('exits 64 on a service name systemd would need escaped', async () => {
    const result = await runCli(['install-service', configFile, '--name', 'my node', '--dry-run', '--unit-dir', unitDir]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("option '--name <name>' argument 'my node' is invalid");
  });
});

describe('uninstall-service', () => {
  it('stops and disables the node, removes the unit, reloads, and says what it keeps', () => {
    writeFileSync(join(unitDir, 'gw.service'), '[Service]\n');
    const { host, commands, said } = recordingHost();
    uninstallService({ name: 'gw', dryRun: false, unitDir }, host);
    expect(commands).toEqual(['systemctl disable --now gw', 'systemctl daemon-reload']);
    expect(readdirSync(unitDir)).toEqual([]);
    expect(said.at(-1)).toMatch(/^kept: the node's data in \/var\/lib\/fieldnode .*its user and its environment file/);
  });

  it('--dry-run prints the commands and removes nothing; without root it says sudo', async () => {
    writeFileSync(join(unitDir, 'fieldnode.service'), '[Service]\n');
    const result = await runCli(['uninstall-service', '--dry-run', '--unit-dir', unitDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`run: systemctl disable --now fieldnode\nremove ${join(unitDir, 'fieldnode.service')}\nrun: systemctl daemon-reload\n`);
    expect(readdirSync(unitDir)).toEqual(['fieldnode.service']);
    const { host, commands } = recordingHost({ uid: 1000 });
    expect(() => uninstallService({ name: 'fieldnode', dryRun: false, unitDir }, host)).toThrow(/needs root: sudo fieldnode uninstall-service --name fieldnode/);
    expect(commands).toEqual([]);
  });

  it('says so when there is no such service', () => {
    const { host } = recordingHost();
    expect(() => uninstallService({ name: 'nothing', dryRun: false, unitDir }, host)).toThrow(/nothing\.service does not exist: no service named nothing/);
  });
});
