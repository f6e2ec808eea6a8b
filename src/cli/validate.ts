import type { Command } from 'commander';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';

/** `fieldnode validate <file>`: checks a config without starting anything. */
export function registerValidate(program: Command, load: LoadComposition): void {
  program
    .command('validate')
    .description('check a config file, and the credential and TLS files it names, and list every problem with its path (exit status 78 if any)')
    .argument('<file>', 'fieldnode.yaml to check')
    .action(async (file: string) => {
      try {
        const [{ catalog }, { loadConfigWithPlugins }, { readBrokerCredentials, readHttpToken }] = await Promise.all([load(file), import('../config/plugins.js'), import('../config/credentials.js')]);
        const { config } = await loadConfigWithPlugins(file, catalog);
        // A node that cannot read its password or key does not start: that is part of the config.
        readBrokerCredentials(config.broker, file);
        readHttpToken(config.http, file);
        process.stdout.write(`${file}: ok (node ${config.node.id} at ${config.node.site}, ${config.boards.length} board(s), ${config.boards.reduce((sum, board) => sum + board.sensors.length, 0)} sensor(s))\n`);
      } catch (error) {
        failWith(error);
      }
    });
}
