import type { Command } from 'commander';
import { configJsonSchema } from '../config/json-schema.js';

/** `fieldnode schema`: prints the config's JSON Schema for editors and CI checks. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of fieldnode.yaml (also shipped as schema/fieldnode.schema.json)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
