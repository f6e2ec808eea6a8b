import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../src/service/node-flags.js';
import { renderUnitFile, type ServiceSpec } from '../../src/service/unit-file.js';
import { describeWithBinary } from '../support/binaries.js';
import { CLI } from '../support/cli.js';

const spec: ServiceSpec = {
  name: 'fieldnode',
  nodeId: 'ws-01',
  site: 'harbour-east',
  nodeBinary: '/usr/bin/node',
  cliScript: '/opt/fieldnode/dist/bin/fieldnode.js',
  configFile: '/etc/fieldnode/ws-01.yaml',
  user: 'fieldnode',
  supplementaryGroups: ['dialout', 'gpio', 'i2c'],
  environmentFile: '/etc/fieldnode/fieldnode.env',
  protectHome: 'yes',
};

/** The unit's settings without comments, as systemd reads them. */
function settings(unit: string): string[] {
  return unit.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('the unit file', () => {
  it('runs the node as its own user, notifying systemd, with the watchdog, the environment file and the hardening', () => {
    expect(settings(renderUnitFile(spec))).toEqual([
      '[Unit]',
      'Description=fieldnode sensor gateway (node ws-01 at harbour-east)',
      'After=network-online.target',
      'Wants=network-online.target',
      'StartLimitIntervalSec=600',
      'StartLimitBurst=5',
      '[Service]',
      'Type=notify',
      'NotifyAccess=all',
      'ExecStart=/usr/bin/node --max-semi-space-size=2 --max-old-space-size=128 --v8-pool-size=1 /opt/fieldnode/dist/bin/fieldnode.js run /etc/fieldnode/ws-01.yaml --log-format json',
      'User=fieldnode',
      'Group=fieldnode',
      'SupplementaryGroups=dialout gpio i2c',
      'StateDirectory=fieldnode',
      'StateDirectoryMode=0750',
      'EnvironmentFile=/etc/fieldnode/fieldnode.env',
      'Restart=on-failure',
      'RestartSec=5',
      'RestartPreventExitStatus=64 78',
      'WatchdogSec=30',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'ProtectKernelTunables=yes',
      'ProtectControlGroups=yes',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
      'DevicePolicy=closed',
      'DeviceAllow=char-ttyUSB rw',
      'DeviceAllow=char-ttyACM rw',
      'DeviceAllow=char-ttyAMA rw',
      'DeviceAllow=char-ttyS rw',
      'DeviceAllow=char-gpiochip rw',
      'DeviceAllow=char-i2c rw',
      '[Install]',
      'WantedBy=multi-user.target',
    ]);
  });

  it('explains every hardening line with a comment above it', () => {
    const lines = renderUnitFile(spec).split('\n');
    const hardening = lines.filter((line) => /^(NoNewPrivileges|Protect\w+|PrivateTmp|RestrictAddressFamilies|DevicePolicy|DeviceAllow)=/.test(line));
    expect(hardening.length).toBe(14);
    for (const line of hardening) expect(lines[lines.indexOf(line) - 1], line).toMatch(/^# \S/);
  });

  it('leaves out what the host or the config does not need, and quotes paths with spaces', () => {
    const unit = renderUnitFile({ ...spec, supplementaryGroups: [], environmentFile: undefined, extraWritableDir: '/srv/field data', protectHome: 'read-only', configFile: '/home/pi/my configs/ws 50%.yaml' });
    expect(unit).not.toContain('SupplementaryGroups=');
    expect(unit).not.toContain('EnvironmentFile=');
    expect(unit).toContain('ReadWritePaths="/srv/field data"\n');
    expect(unit).toContain('ProtectHome=read-only\n');
    expect(unit).toContain('run "/home/pi/my configs/ws 50%%.yaml" --log-format json\n');
  });
});

describe("the unit's Node.js flags", () => {
  it('are accepted by this Node.js, which then runs fieldnode with them', () => {
    const result = spawnSync(process.execPath, [...NODE_FLAGS, resolve(CLI), '--version'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('set the heap ceiling the README documents', () => {
    const probe = 'console.log(require("node:v8").getHeapStatistics().heap_size_limit)';
    const limit = Number(spawnSync(process.execPath, [...NODE_FLAGS, '-e', probe], { encoding: 'utf8' }).stdout);
    // The ceiling is the old generation's 128 MiB plus the young generation's share.
    expect(limit).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(limit).toBeLessThan(140 * 1024 * 1024);
  });
});

describeWithBinary('systemd-analyze', 'systemd', 'systemd-analyze verify', () => {
  it('accepts the generated unit: no errors, no ignored lines', () => {
    const directory = mkdtempSync(join(tmpdir(), 'fieldnode-unit-'));
    const environmentFile = join(directory, 'fieldnode.env');
    writeFileSync(environmentFile, 'FIELDNODE_BROKER_PASSWORD=x\n', { mode: 0o600 });
    // A real node and a real script: verify checks that ExecStart's command exists and is executable.
    const unitFile = join(directory, 'fieldnode.service');
    writeFileSync(unitFile, renderUnitFile({ ...spec, nodeBinary: process.execPath, cliScript: resolve(CLI), environmentFile, extraWritableDir: join(directory, 'data') }));
    const result = spawnSync('systemd-analyze', ['verify', unitFile], { encoding: 'utf8' });
    // verify does not look users up (User= may name one that install creates later), and
    // reports every line it ignores (an unknown setting, a bad device name or right) on stderr.
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
