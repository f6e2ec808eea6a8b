import type { Command } from 'commander';
import { demoConfigPath } from '../package-root.js';
import type { LoadComposition } from './composition.js';
import { failWith } from './exit.js';

/** `fieldnode doctor [config] [--json]`: checks a gateway's whole setup, one line per check. */
export function registerDoctor(program: Command, load: LoadComposition): void {
  program
    .command('doctor')
    .description('check the whole setup: config, data directory, ports, devices, broker (network, TLS, login, ACL), clock and Node.js; exit status 1 if any check fails')
    .argument('[config]', 'fieldnode.yaml to check (default: the bundled simulated demo)')
    .option('--json', 'print the report as a JSON array of { check, status, detail, advice }')
    .action(async (config: string | undefined, options: { json?: boolean }) => {
      try {
        const [{ catalog }, { runDoctor }] = await Promise.all([load(), import('../doctor/run.js')]);
        const { ok } = await runDoctor(config ?? demoConfigPath(), { catalog, write: (line) => process.stdout.write(`${line}\n`), json: options.json ?? false });
        process.exit(ok ? 0 : 1);
      } catch (error) {
        failWith(error);
      }
    });
}
