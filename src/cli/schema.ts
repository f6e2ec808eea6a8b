import type { Command } from 'commander';
import { configJsonSchema } from '../config/json-schema.js';
import { withPlugins } from '../config/plugins.js';
import type { Composition } from './composition.js';
import { failWith } from './exit.js';

/** `fieldnode schema`: prints the config's JSON Schema for editors and CI checks. */
export function registerSchema(program: Command, { catalog }: Composition): void {
  program
    .command('schema')
    .description('print the JSON Schema of fieldnode.yaml (also shipped as schema/fieldnode.schema.json)')
    .option('--plugin <name>', 'also describe the drivers and twins of this package (repeatable)', (name: string, names: string[]) => [...names, name], [])
    .action(async (flags: { plugin: string[] }) => {
      try {
        const withTheirs = await withPlugins(catalog, flags.plugin, process.cwd(), '--plugin');
        process.stdout.write(`${JSON.stringify(configJsonSchema(withTheirs), null, 2)}\n`);
      } catch (error) {
        failWith(error);
      }
    });
}
