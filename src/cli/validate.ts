import type { Command } from 'commander';
import { readBrokerCredentials } from '../config/credentials.js';
import { loadConfigFile } from '../config/load.js';
import { failWith } from './exit.js';

/** `fieldnode validate <file>`: checks a config without starting anything. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a config file, and the credential and TLS files it names, and list every problem with its path (exit status 78 if any)')
    .argument('<file>', 'fieldnode.yaml to check')
    .action((file: string) => {
      try {
        const config = loadConfigFile(file);
        // A node that cannot read its password or key does not start: that is part of the config.
        readBrokerCredentials(config.broker, file);
        process.stdout.write(`${file}: ok (node ${config.node.id} at ${config.node.site}, ${config.boards.length} board(s), ${config.sensors.length} sensor(s))\n`);
      } catch (error) {
        failWith(error);
      }
    });
}
