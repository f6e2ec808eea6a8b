/**
 * `fieldnode install-service`: from a validated config to a node that systemd starts at boot,
 * restarts when it fails or wedges, and confines. Every change is a HostStep, so a dry run
 * prints exactly what a real run does.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { readBrokerCredentials } from '../config/credentials.js';
import { loadConfigWithPlugins } from '../config/plugins.js';
import type { NodeConfig } from '../config/schema.js';
import { FieldnodeError } from '../core/errors.js';
import { applyStep, describeStep, shellLine, type Accounts, type CommandRunner, type HostStep } from './host.js';
import { DEVICE_GROUPS, renderEnvironmentFile, renderUnitFile, STATE_DIRECTORY, type ServiceSpec } from './unit-file.js';

/** What the technician asked for. */
export interface InstallOptions {
  readonly configFile: string;
  readonly user: string;
  readonly name: string;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** Where unit files go: /etc/systemd/system. */
  readonly unitDir: string;
  /** Where the environment file goes: /etc/fieldnode. */
  readonly etcDir: string;
}

/** The host as install sees it; tests give their own. */
export interface ServiceHost {
  readonly uid: number;
  readonly run: CommandRunner;
  readonly accounts: Accounts;
  /** Absolute paths of the node binary and of fieldnode's CLI script. */
  readonly nodeBinary: string;
  readonly cliScript: string;
  /** Prints one line for the technician. */
  readonly say: (line: string) => void;
}

/** Directories a service with ProtectHome=yes cannot see. */
const HOME_DIRECTORIES = ['/home/', '/root/', '/run/user/'];

function underHome(path: string): boolean {
  return HOME_DIRECTORIES.some((directory) => `${path}/`.startsWith(directory));
}

function insideStateDirectory(path: string): boolean {
  return `${resolve(path)}/`.startsWith(`${STATE_DIRECTORY}/`);
}

/** Whether an environment file gives `variable` a value (KEY=VALUE lines, as systemd reads them). */
function environmentFileSets(file: string, variable: string): boolean {
  if (!existsSync(file)) return false;
  return readFileSync(file, 'utf8')
    .split('\n')
    .some((line) => {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      return match?.[1] === variable && match[2]!.replace(/^(["'])(.*)\1$/, '$2').trim() !== '';
    });
}

/** Credential files the service user must be able to read. */
function credentialFiles(config: NodeConfig): string[] {
  const { password, tls } = config.broker;
  return [...(password && 'file' in password ? [password.file] : []), ...(tls?.key ? [tls.key] : []), ...(tls?.cert ? [tls.cert] : []), ...(tls?.ca ? [tls.ca] : [])];
}

/** What installing will do, and what the technician must know about it. */
export interface InstallPlan {
  readonly steps: readonly HostStep[];
  readonly warnings: readonly string[];
  /** Lines for after the steps: what to do next. */
  readonly next: readonly string[];
}

/** Decides every file and command of an install; reads the host, changes nothing. */
export function planInstall(config: NodeConfig, options: InstallOptions, host: ServiceHost): InstallPlan {
  const { name, user } = options;
  const etcDir = resolve(options.etcDir);
  const configFile = resolve(options.configFile);
  const dataDir = resolve(config.dataDir);
  const warnings: string[] = [];
  const next: string[] = [];
  const steps: HostStep[] = [];
  const groups = DEVICE_GROUPS.filter((group) => host.accounts.groupExists(group));

  const uid = host.accounts.userId(user);
  if (uid === undefined) {
    steps.push({ kind: 'run', argv: ['useradd', '--system', '--no-create-home', '--home-dir', STATE_DIRECTORY, '--shell', '/usr/sbin/nologin', '--user-group', ...(groups.length > 0 ? ['--groups', groups.join(',')] : []), user] });
  }
  const extraWritableDir = insideStateDirectory(dataDir) ? undefined : dataDir;
  if (extraWritableDir) {
    warnings.push(`dataDir is ${config.dataDir}, outside the service's state directory ${STATE_DIRECTORY}: the unit lets the node write there (ReadWritePaths=) and it is made ${user}'s; to let systemd create and own it, set \`dataDir: ${STATE_DIRECTORY}\` in ${configFile}`);
    steps.push({ kind: 'run', argv: ['install', '-d', '-o', user, '-g', user, '-m', '750', extraWritableDir] });
    // An outbox left by an earlier `sudo fieldnode run` is root's: the node could not open it.
    const nodeDir = join(extraWritableDir, config.node.id);
    if (existsSync(nodeDir)) steps.push({ kind: 'run', argv: ['chown', '-R', `${user}:${user}`, nodeDir] });
  }

  let environmentFile: string | undefined;
  let passwordMissing: string | undefined;
  const password = config.broker.password;
  if (password && 'env' in password) {
    environmentFile = join(etcDir, `${name}.env`);
    if (!existsSync(etcDir)) steps.push({ kind: 'mkdir', path: etcDir, mode: 0o755 });
    if (!existsSync(environmentFile)) {
      steps.push({ kind: 'write', path: environmentFile, mode: 0o600, content: renderEnvironmentFile(name, password.env, configFile) });
    } else if ((statSync(environmentFile).mode & 0o077) !== 0) {
      warnings.push(`${environmentFile} holds the broker password and other users can read it: chmod 600 ${environmentFile}`);
    }
    if (!environmentFileSets(environmentFile, password.env)) passwordMissing = password.env;
  }

  for (const file of credentialFiles(config)) {
    if (existsSync(file) && statSync(file).uid !== uid && (statSync(file).mode & 0o004) === 0) {
      warnings.push(`${file} is not ${user}'s and others cannot read it, so the node cannot either: sudo chown ${user} ${file}`);
    }
  }

  const homePaths = [host.nodeBinary, host.cliScript, configFile, dataDir, ...credentialFiles(config).map((file) => resolve(file))].filter(underHome);
  if (homePaths.length > 0) {
    warnings.push(`${homePaths.join(', ')} ${homePaths.length === 1 ? 'is' : 'are'} under a home directory: the unit keeps /home and /root read-only instead of hidden (ProtectHome=read-only), and ${user} must be able to read ${homePaths.length === 1 ? 'it' : 'them'} (Raspberry Pi OS makes home directories private); installing fieldnode and the config outside /home (/opt, /etc/fieldnode) avoids both`);
  }

  const spec: ServiceSpec = {
    name,
    nodeId: config.node.id,
    site: config.node.site,
    nodeBinary: host.nodeBinary,
    cliScript: host.cliScript,
    configFile,
    user,
    supplementaryGroups: groups,
    extraWritableDir,
    environmentFile,
    protectHome: homePaths.length > 0 ? 'read-only' : 'yes',
  };
  steps.push({ kind: 'write', path: join(resolve(options.unitDir), `${name}.service`), mode: 0o644, content: renderUnitFile(spec) });
  steps.push({ kind: 'run', argv: ['systemctl', 'daemon-reload'] });
  if (passwordMissing) {
    // Started without its password, the node would only fail and be restarted until systemd gives up.
    steps.push({ kind: 'run', argv: ['systemctl', 'enable', name] });
    next.push(`write the broker password after ${passwordMissing}= in ${environmentFile}, then start the node: sudo systemctl start ${name}`);
  } else {
    steps.push({ kind: 'run', argv: ['systemctl', 'enable', '--now', name] });
  }
  next.push(`follow its logs: journalctl -u ${name} -f`, `its state: systemctl status ${name}`);
  return { steps, warnings, next };
}

/** Validates the config, then writes the unit and starts the node (or, in a dry run, prints how it would). */
export async function installService(options: InstallOptions, host: ServiceHost, catalog: Catalog): Promise<void> {
  const { config } = await loadConfigWithPlugins(options.configFile, catalog);
  // Files the config names must be readable now; the password variable lives in the service's
  // environment file, not in this shell, so it is checked there (planInstall).
  const { password, ...broker } = config.broker;
  readBrokerCredentials(password && 'env' in password ? broker : config.broker, options.configFile);
  if (host.uid !== 0 && !options.dryRun) {
    throw new FieldnodeError(`install-service creates a user and writes to ${options.unitDir}, which needs root: sudo fieldnode install-service ${shellLine([options.configFile])} (or --dry-run to see what it would do)`, 'SERVICE');
  }
  const unitFile = join(options.unitDir, `${options.name}.service`);
  if (existsSync(unitFile) && !options.force) {
    throw new FieldnodeError(`${unitFile} exists already: --force replaces it (or --name installs another node beside it)`, 'SERVICE');
  }
  const plan = planInstall(config, options, host);
  if (options.dryRun) host.say('dry run: nothing is written and nothing is run; a real run would:');
  for (const warning of plan.warnings) host.say(`warning: ${warning}`);
  for (const step of plan.steps) {
    if (options.dryRun) {
      host.say(describeStep(step));
      continue;
    }
    try {
      applyStep(step, host.run);
    } catch (error) {
      // What is done stays done (useradd cannot be repeated blindly): the rerun must replace the unit.
      const rerun = existsSync(unitFile) ? `; once that is fixed: sudo fieldnode install-service ${shellLine([options.configFile])} --force` : '';
      throw new FieldnodeError(`${(error as Error).message}${rerun}`, 'SERVICE', { cause: error });
    }
    host.say(step.kind === 'write' ? `wrote ${step.path}` : describeStep(step).replace(/^run: /, 'ran: '));
  }
  if (!options.dryRun) host.say(`installed ${options.name}.service: node ${config.node.id} runs as ${options.user} and starts at boot`);
  for (const line of plan.next) host.say(line);
}
