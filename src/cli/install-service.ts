import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { FieldnodeError } from '../core/errors.js';
import { packageRoot } from '../package-root.js';
import type { ServiceHost } from '../service/install.js';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';

interface ServiceFlags {
  user: string;
  name: string;
  dryRun?: boolean;
  force?: boolean;
  unitDir: string;
  envDir: string;
}

/** A unit name systemd accepts without escaping, so `systemctl status NAME` is what the technician types. */
function serviceName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,200}$/.test(value) || value.endsWith('.service')) throw new InvalidArgumentError('letters, digits, - _ . @, without .service');
  return value;
}

/** A user name useradd accepts on Debian. */
function userName(value: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) throw new InvalidArgumentError('lower-case letters, digits, - and _, at most 32');
  return value;
}

/** This process's node and fieldnode's built CLI: what the unit runs. */
async function realHost(): Promise<ServiceHost> {
  const { localAccounts, systemCommandRunner } = await import('../service/host.js');
  const cliScript = join(packageRoot(), 'dist', 'bin', 'fieldnode.js');
  if (!existsSync(cliScript)) throw new FieldnodeError(`${cliScript} is missing: build fieldnode first (npm run build)`, 'SERVICE');
  return {
    uid: process.getuid?.() ?? 0,
    run: systemCommandRunner,
    accounts: localAccounts,
    nodeBinary: process.execPath,
    cliScript,
    say: (line) => process.stdout.write(`${line}\n`),
  };
}

/** `fieldnode install-service <config>` and `fieldnode uninstall-service`: a node under systemd. */
export function registerServiceCommands(program: Command, load: LoadComposition): void {
  const unitDir = () => new Option('--unit-dir <dir>', 'where unit files go').default('/etc/systemd/system').hideHelp();
  program
    .command('install-service')
    .description('run a config as a systemd service: validates it, creates the user, writes the hardened unit, enables and starts it')
    .argument('<config>', 'fieldnode.yaml the service runs (validated first)')
    .addOption(new Option('--user <name>', 'system user the node runs as (created if missing)').default('fieldnode').argParser(userName))
    .addOption(new Option('--name <name>', 'service name (systemctl status NAME)').default('fieldnode').argParser(serviceName))
    .option('--dry-run', 'print every file and command, change nothing')
    .option('--force', 'replace an existing unit of that name')
    .addOption(unitDir())
    .addOption(new Option('--env-dir <dir>', 'where the environment file goes').default('/etc/fieldnode').hideHelp())
    .action(async (configFile: string, flags: ServiceFlags) => {
      try {
        const [{ catalog }, { installService }] = await Promise.all([load(), import('../service/install.js')]);
        await installService(
          { configFile, user: flags.user, name: flags.name, dryRun: flags.dryRun ?? false, force: flags.force ?? false, unitDir: flags.unitDir, etcDir: flags.envDir },
          await realHost(),
          catalog,
        );
      } catch (error) {
        failWith(error);
      }
    });
  program
    .command('uninstall-service')
    .description("stop and disable the service and remove its unit; the node's data, user and environment file stay")
    .addOption(new Option('--name <name>', 'service name').default('fieldnode').argParser(serviceName))
    .option('--dry-run', 'print every command, change nothing')
    .addOption(unitDir())
    .action(async (flags: ServiceFlags) => {
      try {
        const { uninstallService } = await import('../service/uninstall.js');
        uninstallService({ name: flags.name, dryRun: flags.dryRun ?? false, unitDir: flags.unitDir }, await realHost());
      } catch (error) {
        failWith(error);
      }
    });
}
