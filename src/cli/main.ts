/** The `fieldnode` command: one file per verb, registered here, over the catalog its composition root gives. */
import { Command } from 'commander';
import type { Composition, LoadComposition } from './composition.js';
import { registerCompletion } from './completion.js';
import { registerDecode } from './decode.js';
import { registerInit } from './init.js';
import { registerDoctor } from './doctor.js';
import { EXIT_USAGE, failWith } from './exit.js';
import { registerFleet } from './fleet.js';
import { registerFlash } from './flash.js';
import { registerServiceCommands } from './install-service.js';
import { registerMigrate } from './migrate.js';
import { packageVersion } from '../package-root.js';
import { registerPorts } from './ports.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerSimulate } from './simulate.js';
import { registerTail } from './tail.js';
import { registerValidate } from './validate.js';

/**
 * Parses `argv` and runs the verb it names. The composition may be given as a loader: it is
 * then loaded only by a verb that needs it, so `--help` and the verbs that work without a
 * catalog start without the drivers and twins.
 */
export async function runCli(argv: readonly string[], composition: Composition | LoadComposition): Promise<void> {
  let loading: Promise<Composition> | undefined;
  const load: LoadComposition = (forConfigFile, purpose) => {
    if (forConfigFile !== undefined && typeof composition === 'function') return composition(forConfigFile, purpose);
    return (loading ??= typeof composition === 'function' ? composition() : Promise.resolve(composition));
  };
  const program = new Command('fieldnode')
    .description('sensor-gateway runtime: serial sensors to SenML-CBOR over MQTT, with simulated devices')
    .version(packageVersion())
    // A mistyped command line (unknown option, missing argument, invalid choice) exits 64
    // (EX_USAGE), so a script or supervisor can tell it from a failure at run time; commander
    // has already printed its one-line message. --help and --version still exit 0. Set before
    // the verbs are registered, which copy it.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));

  registerRun(program, load);
  registerValidate(program, load);
  registerInit(program, load);
  registerDoctor(program, load);
  registerMigrate(program, load);
  const describeTwins = registerSimulate(program, load);
  registerFleet(program, load);
  registerDecode(program);
  registerSchema(program, load);
  registerServiceCommands(program, load);
  registerPorts(program);
  registerFlash(program);
  registerCompletion(program, load);
  registerTail(program, load);

  // An explained error thrown while parsing (an option parser's own check) prints one line, not a stack.
  await describeTwins(argv.slice(2)).catch(failWith);
  await program.parseAsync([...argv]).catch(failWith);
}
