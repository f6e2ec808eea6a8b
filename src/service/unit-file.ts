/**
 * The systemd unit of a node: supervised, started at boot, restarted when it dies or stops
 * answering its watchdog, and confined to what a sensor gateway needs. Pure: the facts about
 * the host (groups, paths) come in the spec, so tests read the exact text.
 */
import { NODE_FLAGS } from './node-flags.js';

/** Where the node's state lives when systemd manages it (`StateDirectory=fieldnode`). */
export const STATE_DIRECTORY = '/var/lib/fieldnode';

/** Seconds without a WATCHDOG=1 after which systemd restarts the node. */
export const WATCHDOG_SECONDS = 30;

/** Groups that open the gateway's devices, in the order they are given to the service. */
export const DEVICE_GROUPS = ['dialout', 'gpio', 'i2c'] as const;

/** Everything the unit says, decided by the install plan. */
export interface ServiceSpec {
  /** Unit name without `.service`. */
  readonly name: string;
  readonly nodeId: string;
  readonly site: string;
  /** Absolute paths: the node binary, fieldnode's CLI script, the config. */
  readonly nodeBinary: string;
  readonly cliScript: string;
  readonly configFile: string;
  readonly user: string;
  /** The device groups that exist on this host (a subset of DEVICE_GROUPS). */
  readonly supplementaryGroups: readonly string[];
  /** The config's dataDir when it is not inside the state directory: made writable explicitly. */
  readonly extraWritableDir?: string;
  /** Set when the config reads its broker password from the environment. */
  readonly environmentFile?: string;
  /** `read-only` when the install, the config or the data lives under /home or /root. */
  readonly protectHome: 'yes' | 'read-only';
}

/**
 * Devices the node may open, by the driver name /proc/devices lists (systemd.resource-control(5):
 * `char-<name>` matches every device of that major, whatever its number on this kernel).
 */
const DEVICE_ALLOW: readonly (readonly [string, string])[] = [
  ['char-ttyUSB', 'USB-serial adapters (FTDI, CH340, CP210x): /dev/ttyUSB*'],
  ['char-ttyACM', 'USB CDC boards (Arduino Uno, Leonardo): /dev/ttyACM*'],
  ['char-ttyAMA', "the Pi's PL011 UART: /dev/ttyAMA*"],
  ['char-ttyS', "the Pi's mini UART and PC serial ports: /dev/ttyS*"],
  ['char-gpiochip', "the Pi header's GPIO character devices: /dev/gpiochip*"],
  ['char-i2c', "the Pi's I2C buses: /dev/i2c-*"],
];

/** Quotes one ExecStart= word: systemd splits on spaces and expands `%` specifiers. */
export function unitWord(word: string): string {
  const escaped = word.replaceAll('%', '%%');
  return /[\s"'\\;$]/.test(escaped) ? `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : escaped;
}

/** The unit file's text. */
export function renderUnitFile(spec: ServiceSpec): string {
  const execStart = [spec.nodeBinary, ...NODE_FLAGS, spec.cliScript, 'run', spec.configFile, '--log-format', 'json'].map(unitWord).join(' ');
  const lines = [
    `# fieldnode node ${spec.nodeId} at ${spec.site}, written by \`fieldnode install-service\`.`,
    `# After editing the config: fieldnode validate ${spec.configFile} && systemctl restart ${spec.name}`,
    `# Logs: journalctl -u ${spec.name} -f`,
    '[Unit]',
    `Description=fieldnode sensor gateway (node ${spec.nodeId} at ${spec.site})`,
    '# The outbox keeps readings through an outage; waiting for the network only spares a failed first connect.',
    'After=network-online.target',
    'Wants=network-online.target',
    '# A node that fails 5 times in 10 minutes is left failed (systemctl status shows it) instead of looping.',
    'StartLimitIntervalSec=600',
    'StartLimitBurst=5',
    '',
    '[Service]',
    '# The node says when it is up (READY=1) and alive (WATCHDOG=1) through systemd-notify, a child',
    '# process of the node: NotifyAccess=all lets systemd accept messages from it.',
    'Type=notify',
    'NotifyAccess=all',
    `# ${NODE_FLAGS.join(' ')}: a small young generation, a ceiling on the old one and one V8 helper thread keep memory low (see the README).`,
    `ExecStart=${execStart}`,
    `User=${spec.user}`,
    `Group=${spec.user}`,
    ...(spec.supplementaryGroups.length > 0
      ? ['# dialout: serial ports; gpio and i2c: the Pi header and its I2C bus (those that exist on this host).', `SupplementaryGroups=${spec.supplementaryGroups.join(' ')}`]
      : []),
    `# ${STATE_DIRECTORY}, created by systemd and owned by ${spec.user}: the outbox and the boot epoch.`,
    'StateDirectory=fieldnode',
    'StateDirectoryMode=0750',
    ...(spec.environmentFile ? ['# The broker password: root-only file, never in the unit (systemctl show prints a unit to anyone).', `EnvironmentFile=${spec.environmentFile}`] : []),
    'Restart=on-failure',
    'RestartSec=5',
    '# A config problem (78) or a mistyped command line (64) is not cured by restarting.',
    'RestartPreventExitStatus=64 78',
    `# The node pings every ${WATCHDOG_SECONDS / 2} s while its event loop runs and its pipeline moves; a wedged node is restarted.`,
    `WatchdogSec=${WATCHDOG_SECONDS}`,
    '',
    '# Hardening: the node reads sensors and talks MQTT; it needs nothing else of the system.',
    '# No setuid escalation, even through a child process.',
    'NoNewPrivileges=yes',
    '# The whole file system is read-only but for the state directory (and ReadWritePaths=).',
    'ProtectSystem=strict',
    ...(spec.protectHome === 'yes'
      ? ['# /home, /root and /run/user are invisible: the node has no business there.', 'ProtectHome=yes']
      : ['# Read-only, not hidden: fieldnode, node or the config lives under /home or /root on this host.', 'ProtectHome=read-only']),
    ...(spec.extraWritableDir ? ['# The config\'s dataDir is outside the state directory: the one other place the node writes.', `ReadWritePaths=${unitWord(spec.extraWritableDir)}`] : []),
    '# A private /tmp: nothing left behind, nothing shared with other services.',
    'PrivateTmp=yes',
    '# /proc/sys and /sys are read-only (the node reads /sys for 1-Wire and health, never writes it).',
    'ProtectKernelTunables=yes',
    '# The cgroup tree is read-only.',
    'ProtectControlGroups=yes',
    '# Sockets: local (systemd-notify) and IP (MQTT); no raw, netlink or bluetooth sockets.',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    '# No device but the pseudo-devices (/dev/null, random, ptys) and those listed below.',
    'DevicePolicy=closed',
    ...DEVICE_ALLOW.flatMap(([device, what]) => [`# ${what}`, `DeviceAllow=${device} rw`]),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return `${lines.join('\n')}\n`;
}

/** The environment file's first content: the variable to fill, explained. */
export function renderEnvironmentFile(serviceName: string, variable: string, configFile: string): string {
  return [
    `# Environment of the ${serviceName} service, read by systemd (keep it mode 600, owned by root).`,
    `# The broker password (broker.password in ${configFile}): write it after the =, then`,
    `# systemctl restart ${serviceName}`,
    `${variable}=`,
    '',
  ].join('\n');
}
