import { Option, type Command } from 'commander';
import type { InitFlags } from '../init/flags.js';
import type { LoadComposition } from './composition.js';

/** `fieldnode init [file]`: asks, or reads flags, and writes a commented config that validates. */
export function registerInit(program: Command, load: LoadComposition): void {
  program
    .command('init')
    .description('write a config by answering questions at a terminal (node, broker, password source, detected serial ports, sensors, data directory), or by flags without one; then check it')
    .argument('[file]', 'config to write', 'fieldnode.yaml')
    .option('--force', 'replace the file if it exists')
    .option('--node-id <id>', 'node id (default with --yes: the host name)')
    .option('--site <site>', 'site, the topic level above the node')
    .option('--broker <url>', 'broker URL: mqtts://host:8883 (TLS) or mqtt://host:1883')
    .option('--username <name>', 'broker username (default with --yes: the node id)')
    .option('--password-env <NAME>', 'the broker password comes from this environment variable (default with --yes: FIELDNODE_BROKER_PASSWORD)')
    .option('--password-file <path>', 'the broker password comes from this file; created mode 600 from the first line on stdin when missing')
    .option('--board <spec>', 'a board: id=air,port=/dev/ttyUSB0,device=sds011[,baud=9600][,sensors=pm2_5+pm10][,option=value] (repeatable)', (spec: string, all: string[] = []) => [...all, spec])
    .option('--data-dir <path>', 'outbox and boot counter directory (default with --yes: /var/lib/fieldnode)')
    .option('--yes', 'accept the defaults instead of asking for them')
    // Where port discovery looks, so tests can give it a fake tree.
    .addOption(new Option('--sys-root <path>').hideHelp())
    .addOption(new Option('--dev-root <path>').hideHelp())
    .action(async (file: string, flags: InitFlags & { sysRoot?: string; devRoot?: string }) => {
      const [{ catalog }, { runInit }] = await Promise.all([load(), import('./init-run.js')]);
      await runInit(file, flags, catalog);
    });
}
