import type { Command } from 'commander';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';

/** `fieldnode schema`: prints the config's JSON Schema for editors and CI checks. */
export function registerSchema(program: Command, load: LoadComposition): void {
  program
    .command('schema')
    .description('print the JSON Schema of fieldnode.yaml (also shipped as schema/fieldnode.schema.json)')
    .option('--plugin <name>', 'also describe the drivers and twins of this package (repeatable)', (name: string, names: string[]) => [...names, name], [])
    .action(async (flags: { plugin: string[] }) => {
      try {
        const [{ catalog }, { withPlugins }, { configJsonSchema }] = await Promise.all([load(), import('../config/plugins.js'), import('../config/json-schema.js')]);
        const withTheirs = await withPlugins(catalog, flags.plugin, process.cwd(), '--plugin');
        process.stdout.write(`${JSON.stringify(configJsonSchema(withTheirs), null, 2)}\n`);
      } catch (error) {
        failWith(error);
      }
    });
}
